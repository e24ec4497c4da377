/**
 * A configuration problem, always naming where it is (`model_list[12].litellm_params.model`) and
 * what to do about it. Services print these and stop before serving anything.
 */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source: string,
  ) {
    super(
      `${source}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`,
    );
    this.name = 'ConfigError';
  }
}
