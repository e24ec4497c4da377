import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** Where `npm run build` puts the console (Vite's output), next to the compiled apps in dist/. */
export const CONSOLE_ROOT = join(__dirname, '..', '..', '..', '..', 'console');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The console's pages call only this origin; nothing is loaded from anywhere else. */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // chart libraries set style attributes
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  /** hashed build assets never change; the page itself is revalidated. */
  immutable: boolean;
}

/**
 * The file for a path under `/ui/`: a built asset, or the page itself for any other path (the
 * console routes in the browser). Null when the console was not built or the path leaves the root.
 */
export async function readConsoleFile(root: string, path: string): Promise<ConsoleFile | null> {
  const relative = normalize(decodeURIComponent(path.split('?')[0] ?? '')).replace(/^([/\\])+/, '');
  const candidate = join(root, relative);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  if (relative !== '' && relative !== '.' && extname(relative) !== '') {
    const body = await readFile(candidate).catch(() => null);
    if (body === null) return null;
    return {
      body,
      contentType: CONTENT_TYPES[extname(relative)] ?? 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    };
  }
  const page = await readFile(join(root, 'index.html')).catch(() => null);
  return page === null ? null : { body: page, contentType: CONTENT_TYPES['.html'], immutable: false };
}
