import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLikeRepository } from './format-like-repository';

/** The document the training and evaluation scripts write their tables into. */
export const ROUTING_DOCS = 'docs/routing.md';

/**
 * Replaces the generated section `name` of docs/routing.md (between `<!-- name:begin … -->` and
 * `<!-- name:end -->`) with `content`, then formats the file as `npm run format` would.
 */
export async function writeDocsSection(root: string, name: string, content: string): Promise<void> {
  const path = join(root, ROUTING_DOCS);
  if (!existsSync(path)) throw new Error(`${ROUTING_DOCS} is missing`);
  const docs = readFileSync(path, 'utf8');
  const begin = new RegExp(`<!-- ${name}:begin[^>]*-->`).exec(docs);
  const end = docs.indexOf(`<!-- ${name}:end -->`);
  if (begin === null || end < begin.index) {
    throw new Error(`${ROUTING_DOCS} has no "<!-- ${name}:begin -->" … "<!-- ${name}:end -->" section`);
  }
  const start = begin.index + begin[0].length;
  const updated = `${docs.slice(0, start)}\n\n${content}\n\n${docs.slice(end)}`;
  writeFileSync(path, await formatLikeRepository(path, updated));
}
