import type { z } from 'zod';
import { GatewayError } from './gateway-error';

/**
 * A bus message its schema rejects (or that is not JSON): a typed 400 `invalid_bus_message` naming
 * the subject and the first field at fault, never a crash and never the payload itself.
 */
export function invalidBusMessage(
  subject: string,
  issues: readonly { path: PropertyKey[]; message: string }[] | null,
): GatewayError {
  const first = issues?.[0];
  const detail = first ? `${first.path.map(String).join('.') || '(body)'}: ${first.message}` : 'not JSON';
  return GatewayError.invalidRequest(`invalid ${subject} message: ${detail}`, null, 'invalid_bus_message');
}

/** A decoded bus payload checked against its schema (`undefined`: the message was not JSON). */
export function parseBusMessage<Schema extends z.ZodType>(
  schema: Schema,
  subject: string,
  payload: unknown,
): { success: true; data: z.infer<Schema> } | { success: false; error: GatewayError } {
  if (payload === undefined) return { success: false, error: invalidBusMessage(subject, null) };
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, error: invalidBusMessage(subject, parsed.error.issues) };
}
