import { readCliOptions } from './cli-options';

describe('readCliOptions', () => {
  const usage = 'usage: tool [--router NAME]';
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('returns the values of the options given', () => {
    const options = readCliOptions<{ router?: string; dry?: boolean }>(
      { router: { type: 'string' }, dry: { type: 'boolean' } },
      usage,
      ['--router', 'opencodego-router', '--dry'],
    );
    expect(options).toEqual({ router: 'opencodego-router', dry: true });
  });

  it('prints the usage and means exit 0 on --help or -h', () => {
    expect(readCliOptions({ router: { type: 'string' } }, usage, ['--help'])).toBe(0);
    expect(readCliOptions({ router: { type: 'string' } }, usage, ['-h'])).toBe(0);
    expect(stdout).toHaveBeenCalledWith(`${usage}\n`);
  });

  it('prints the error and the usage and means exit 2 on an unknown option', () => {
    expect(readCliOptions({ router: { type: 'string' } }, usage, ['--rooter', 'x'])).toBe(2);
    expect(stderr.mock.calls[0][0]).toMatch(/--rooter[\s\S]*usage: tool/);
  });
});
