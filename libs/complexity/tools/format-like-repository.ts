/**
 * Formats a generated file (the model JSON, the docs) the way `npm run format` would, so that a
 * retrain or a new report never fails `npm run format:check`. Prettier is a dev dependency: only
 * the training and evaluation scripts load it, never the gateway.
 */
export async function formatLikeRepository(path: string, text: string): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(text, { ...config, filepath: path });
}
