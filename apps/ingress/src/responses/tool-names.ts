/** What a canonical function name stands for on the Responses surface. */
export type ResponsesToolRef =
  { kind: 'function'; name: string; namespace: string | null } | { kind: 'custom'; name: string };

/** Separator of a namespace and a tool name in the flattened function name. */
const NAMESPACE_SEPARATOR = '__';

/**
 * The tools of one request by their canonical (Chat Completions) function name: functions keep
 * their name, a namespace's tools become `namespace__name`, custom (freeform) tools become a
 * function of one string argument `input`. Output tool calls are mapped back through it.
 */
export class ToolNames {
  private readonly byCanonical = new Map<string, ResponsesToolRef>();

  add(ref: ResponsesToolRef): string {
    const canonical = canonicalToolName(ref);
    this.byCanonical.set(canonical, ref);
    return canonical;
  }

  /** The tool a canonical name calls; an unknown name is taken as a plain function. */
  refOf(canonical: string): ResponsesToolRef {
    return this.byCanonical.get(canonical) ?? { kind: 'function', name: canonical, namespace: null };
  }
}

export function canonicalToolName(ref: ResponsesToolRef): string {
  return ref.kind === 'function' && ref.namespace
    ? `${ref.namespace}${NAMESPACE_SEPARATOR}${ref.name}`
    : ref.name;
}
