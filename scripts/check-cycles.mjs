// Fails on any import circle, between files or between folders, in apps, libs, bench, test and
// scripts. Files come from madge's import graph (type-only imports count too); a folder is the
// directory a file sits in, and two folders are in a circle when each reaches the other through
// imports of their files. A folder circle is what makes two areas impossible to read, test or
// move apart even when no single file imports itself back.
import { dirname } from 'node:path';
import madge from 'madge';

const roots = ['apps', 'libs', 'bench', 'test', 'scripts'];
const result = await madge(roots, {
  fileExtensions: ['ts', 'mjs'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false } },
});
const graph = result.obj();

const fileCycles = result.circular();

// Tests and their fixtures are leaves: a spec may import from anywhere without tying two folders
// of the product together, so they count for file circles but not for folder circles.
const isTest = (file) => /\.(spec|int-spec|e2e-spec|chaos-spec)\.ts$|(^|\/)__fixtures__\//.test(file);

/** @type {Map<string, Map<string, string>>} folder → folder it imports → one import that does it */
const folders = new Map();
for (const [file, imports] of Object.entries(graph)) {
  if (isTest(file)) continue;
  const from = dirname(file);
  if (!folders.has(from)) folders.set(from, new Map());
  for (const target of imports) {
    const to = dirname(target);
    if (to !== from && !folders.get(from).has(to)) folders.get(from).set(to, `${file} → ${target}`);
  }
}
const folderCycles = stronglyConnected(folders).filter((component) => component.length > 1);

for (const cycle of fileCycles) console.error(`file circle: ${cycle.join(' → ')}`);
for (const component of folderCycles) {
  console.error(`folder circle: ${component.join(', ')}`);
  const members = new Set(component);
  for (const from of component) {
    for (const [to, example] of folders.get(from) ?? []) {
      if (members.has(to)) console.error(`  ${from} → ${to}: ${example}`);
    }
  }
}
const files = Object.keys(graph).length;
if (fileCycles.length > 0 || folderCycles.length > 0) {
  console.error(
    `cycles: ${fileCycles.length} file circle(s), ${folderCycles.length} folder circle(s) in ${files} files`,
  );
  process.exit(1);
}
console.log(`cycles: no import circle between files or folders (${files} files, ${folders.size} folders)`);

/** Tarjan's strongly connected components of a directed graph. */
function stronglyConnected(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const nodes = new Set(edges.keys());
  for (const targets of edges.values()) for (const target of targets.keys()) nodes.add(target);
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node)?.keys() ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return components;
}
