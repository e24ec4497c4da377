/**
 * The Anthropic id of a reply: an upstream `msg_…` id as it is, any other upstream id
 * (`chatcmpl-…`) as `msg_` + its letters and digits, so it stays traceable in provider logs.
 */
export function anthropicMessageId(upstreamId: string, fallbackId: string): string {
  if (/^msg_[A-Za-z0-9_-]+$/.test(upstreamId)) return upstreamId;
  const letters = upstreamId.replace(/[^A-Za-z0-9]/g, '');
  return `msg_${letters || fallbackId.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** A tool call that arrived without an id (some providers omit it) gets a stable one. */
export function fallbackToolUseId(messageId: string, toolIndex: number): string {
  return `toolu_${messageId.replace(/^msg_/, '')}_${toolIndex}`;
}
