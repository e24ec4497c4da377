import type { z } from 'zod';
import { formatPath } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';

/** Validates an admin body or query string; the first problem is a 400 that names the parameter. */
export function parseAdminInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw GatewayError.invalidRequest(
      `Unsupported parameter${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map((key) => `'${key}'`).join(', ')}.`,
      issue.keys[0] ?? null,
      'unsupported_parameter',
    );
  }
  if (issue.path.length === 0) {
    throw GatewayError.invalidRequest(`Invalid request: ${issue.message}.`, null, 'invalid_value');
  }
  const param = formatPath(issue.path);
  throw GatewayError.invalidRequest(
    `Invalid value for '${param}': ${issue.message}.`,
    param,
    'invalid_value',
  );
}
