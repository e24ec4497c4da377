import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * The options of a command-line tool (`npm run route:explain`, `train:router`, `eval:router`),
 * read the same way by each: `-h`/`--help` prints `usage` and means exit 0, an unknown or malformed
 * option prints its error and `usage` and means exit 2. Returns the values, or the exit code.
 */
export function readCliOptions<Values>(
  options: OptionSpecs,
  usage: string,
  args: string[] = process.argv.slice(2),
): Values | number {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return values as Values;
}
