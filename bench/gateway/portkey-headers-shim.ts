/**
 * Preloaded into Portkey's gateway by the benchmark (`node --require`). Portkey 1.15.2 appends its
 * own response headers to streamed OpenAI responses whose headers Node's fetch made immutable,
 * so every streamed request fails with `TypeError: immutable` (Portkey-AI/gateway#1389). The shim
 * skips those appends, so Portkey streams as it does where it works; nothing else changes.
 */
for (const method of ['append', 'set', 'delete'] as const) {
  const original = Headers.prototype[method] as (...parameters: unknown[]) => unknown;
  Object.defineProperty(Headers.prototype, method, {
    configurable: true,
    writable: true,
    value(this: Headers, ...parameters: unknown[]) {
      try {
        return original.apply(this, parameters);
      } catch (error) {
        if (error instanceof TypeError && error.message === 'immutable') return undefined;
        throw error;
      }
    },
  });
}
