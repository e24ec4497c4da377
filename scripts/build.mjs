// Compiles apps/, libs/ and bench/ to dist/ with SWC (one pass, a few seconds), rewriting the
// `@switchyard/*` path aliases of tsconfig.json to relative requires, and copies JSON assets that
// the code reads at run time. Type checking is `npm run typecheck`; this only emits.
// The console (apps/console, React) is bundled by Vite to dist/console at the same time; the
// ingress serves it at /ui.
import { transformFile } from '@swc/core';
import { createHash } from 'node:crypto';
import {
  readFileSync,
  writeFileSync,
  mkdirSync,
  rmSync,
  readdirSync,
  statSync,
  copyFileSync,
  cpSync,
  existsSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');
const sourceRoots = ['apps', 'libs', 'bench'];
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const consoleRoot = join(root, 'apps', 'console');

function walk(directory, files = []) {
  for (const name of readdirSync(directory)) {
    if (name === 'node_modules' || name === 'results') continue;
    const path = join(directory, name);
    if (path === consoleRoot) continue;
    if (statSync(path).isDirectory()) walk(path, files);
    else files.push(path);
  }
  return files;
}

const isTest = (path) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(path) || path.includes('__fixtures__');
const sources = sourceRoots.flatMap((folder) => {
  try {
    return walk(join(root, folder));
  } catch {
    return [];
  }
});

rmSync(outDir, { recursive: true, force: true });
const started = Date.now();
let compiled = 0;
const consoleBuilt = buildConsole();
await Promise.all(
  sources.map(async (path) => {
    const target = join(outDir, relative(root, path));
    if (path.endsWith('.ts') && !path.endsWith('.d.ts')) {
      if (isTest(path)) return;
      const output = await transformFile(path, {
        swcrc: false,
        sourceMaps: true,
        filename: path,
        outputPath: target.replace(/\.ts$/, '.js'),
        module: { type: 'commonjs', strict: true },
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
          baseUrl: root,
          paths: tsconfig.compilerOptions.paths,
        },
      });
      const jsPath = target.replace(/\.ts$/, '.js');
      mkdirSync(dirname(jsPath), { recursive: true });
      writeFileSync(jsPath, `${output.code}\n//# sourceMappingURL=${jsPath.split('/').pop()}.map\n`);
      if (output.map) writeFileSync(`${jsPath}.map`, output.map);
      compiled += 1;
    } else if (path.endsWith('.json') && !isTest(path)) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }),
);
console.log(`build: ${compiled} files to dist/ in ${Date.now() - started} ms`);
await consoleBuilt;

// Vite takes seconds where SWC takes milliseconds, so the bundle is cached by a hash of what goes
// into it (the console's sources, the contracts it reads types from, the lockfile).
async function buildConsole() {
  const consoleStarted = Date.now();
  const target = join(outDir, 'console');
  const inputs = [
    ...walk(consoleRoot),
    ...walk(join(root, 'libs', 'contracts', 'src')),
    join(root, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const path of inputs) hash.update(relative(root, path)).update(readFileSync(path));
  const cached = join(root, 'node_modules', '.cache', 'switchyard-console', hash.digest('hex').slice(0, 16));
  if (existsSync(join(cached, 'index.html'))) {
    cpSync(cached, target, { recursive: true });
    console.log(`build: console to dist/console (unchanged, cached) in ${Date.now() - consoleStarted} ms`);
    return;
  }
  const { build } = await import('vite');
  await build({ configFile: join(consoleRoot, 'vite.config.ts'), logLevel: 'warn' });
  rmSync(dirname(cached), { recursive: true, force: true });
  cpSync(target, cached, { recursive: true });
  console.log(`build: console to dist/console in ${Date.now() - consoleStarted} ms`);
}
