import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, releasePort, RESERVED_PORTS } from './free-port';

/** Reserves every port of the range for `pid`, except the ones given. */
function reserveAllBut(directory: string, pid: number, except: number[]): void {
  for (let port = RESERVED_PORTS.first; port <= RESERVED_PORTS.last; port += 1) {
    if (!except.includes(port)) writeFileSync(join(directory, String(port)), String(pid));
  }
}

/** Two ports of the range nothing listens on now (the range is below the ephemeral one). */
async function unusedPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = RESERVED_PORTS.last; ports.length < count; port -= 1) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (free) ports.push(port);
  }
  return ports;
}

describe('freePort', () => {
  let directory: string;
  const previous = process.env.SWITCHYARD_PORT_DIR;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'switchyard-ports-spec-'));
    process.env.SWITCHYARD_PORT_DIR = directory;
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
    if (previous === undefined) delete process.env.SWITCHYARD_PORT_DIR;
    else process.env.SWITCHYARD_PORT_DIR = previous;
  });

  it('hands out a port of the reserved range, below the ephemeral range, and records this process as its holder', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(RESERVED_PORTS.first);
    expect(port).toBeLessThanOrEqual(RESERVED_PORTS.last);
    expect(RESERVED_PORTS.last).toBeLessThan(32_768);
    expect(readFileSync(join(directory, String(port)), 'utf8')).toBe(String(process.pid));
  });

  it('never hands out a port another running process holds', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      const open = await unusedPorts(2);
      reserveAllBut(directory, holder.pid!, open);
      const taken = [await freePort(), await freePort()];
      expect(taken.sort()).toEqual([...open].sort());
      await expect(freePort()).rejects.toThrow(/no free port/);
    } finally {
      holder.kill();
    }
  });

  it('takes over the reservations of a process that is gone', async () => {
    const gone = spawnSync('true').pid;
    reserveAllBut(directory, gone, []);
    const port = await freePort();
    expect(readFileSync(join(directory, String(port)), 'utf8')).toBe(String(process.pid));
  });

  it('skips a port something outside the scheme listens on, and keeps it reserved', async () => {
    const holder = spawn('sleep', ['30']);
    const [listened, open] = await unusedPorts(2);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(listened, '127.0.0.1', resolve));
    try {
      reserveAllBut(directory, holder.pid!, [listened, open]);
      expect(await freePort()).toBe(open);
      await expect(freePort()).rejects.toThrow(/no free port/);
      expect(readFileSync(join(directory, String(listened)), 'utf8')).toBe(String(process.pid));
    } finally {
      holder.kill();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("releases this process's reservation, and only its own", async () => {
    const port = await freePort();
    const other = port === RESERVED_PORTS.first ? port + 1 : RESERVED_PORTS.first;
    writeFileSync(join(directory, String(other)), '1'); // pid 1 (init) runs
    releasePort(port);
    releasePort(other);
    expect(readdirSync(directory)).toEqual([String(other)]);
  });
});
