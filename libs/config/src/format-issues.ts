import type { z } from 'zod';

/** `["model_list", 12, "litellm_params", "model"]` → `model_list[12].litellm_params.model`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || '(top level)';
}

/** One line per zod issue, each starting with the path it is about. */
export function formatIssues(error: z.ZodError, prefix = '', context = ''): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = formatPath(issue.path, prefix);
      return issue.keys
        .map(
          (key) =>
            `${where === '(top level)' ? key : `${where}.${key}`}: unknown key "${key}"${context}; remove it or fix its spelling`,
        )
        .join('\n  - ');
    }
    return `${formatPath(issue.path, prefix)}: ${issue.message}${context}`;
  });
}
