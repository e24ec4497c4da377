import { z } from 'zod';

/**
 * `user` and `metadata` label a call for the caller's own accounting: they travel with every
 * usage event (a JetStream message, at most NATS' `max_payload`) and are stored in each row, so
 * they are bounded where they enter: `user` (and Anthropic's `metadata.user_id`) at 256
 * characters, as Anthropic bounds `user_id`; `metadata` at 16 KiB of JSON and 8 levels of
 * nesting (the object itself is level 1). The values are LiteLLM-sized: tags, a team, a trace id.
 */
export const CALLER_LABEL_LIMITS = {
  userCharacters: 256,
  metadataBytes: 16 * 1024,
  metadataDepth: 8,
} as const;

export const EndUser = z
  .string()
  .max(
    CALLER_LABEL_LIMITS.userCharacters,
    `must be at most ${CALLER_LABEL_LIMITS.userCharacters} characters`,
  );

/** The nesting depth of a JSON value, counted without recursion and only up to `limit + 1`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Checks a metadata object against the limits (depth first: serializing a deep value would overflow the stack). */
export function checkCallerMetadata(value: unknown, context: z.core.$RefinementCtx): void {
  if (jsonDepthExceeds(value, CALLER_LABEL_LIMITS.metadataDepth)) {
    context.addIssue({
      code: 'custom',
      message: `must be nested at most ${CALLER_LABEL_LIMITS.metadataDepth} levels deep`,
    });
    return;
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > CALLER_LABEL_LIMITS.metadataBytes) {
    context.addIssue({
      code: 'custom',
      message: `must be at most ${CALLER_LABEL_LIMITS.metadataBytes} bytes as JSON (it is ${bytes})`,
    });
  }
}

export const CallerMetadata = z.record(z.string(), z.unknown()).superRefine(checkCallerMetadata);
