/**
 * LiteLLM's `x-litellm-tags` header (comma-separated) added to the request's `metadata.tags`, where
 * the ledger reads a request's tags (spend per tag).
 */
export function withHeaderTags(
  metadata: Record<string, unknown> | null,
  header: string | string[] | undefined,
): Record<string, unknown> | null {
  const text = Array.isArray(header) ? header.join(',') : header;
  const fromHeader = (text ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  if (fromHeader.length === 0) return metadata;
  const inBody = Array.isArray(metadata?.tags) ? (metadata.tags as unknown[]) : [];
  return { ...metadata, tags: [...new Set([...inBody, ...fromHeader])] };
}
