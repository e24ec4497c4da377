import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processEnvironment } from '@switchyard/config';

/**
 * Ports handed out by {@link freePort}: below Linux's ephemeral range (32768–60999), so neither a
 * `listen(0)` nor an outgoing connection of any process can take one between the moment it is
 * handed out and the moment its service binds it (that takes seconds for a Nest app).
 */
export const RESERVED_PORTS = { first: 20_000, last: 29_999 } as const;

/**
 * Where the reservations live: one file per port, holding the pid of the process that took it.
 * One folder per user, so a folder another user made (and may not let this one write) never
 * stands in the way; processes of one user are what run one test suite.
 */
export function portReservationDirectory(): string {
  return processEnvironment().SWITCHYARD_PORT_DIR ?? join(tmpdir(), `switchyard-ports-${userId()}`);
}

function userId(): string {
  return typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the port's reservation file. A reservation whose process is gone is taken over (two
 * processes taking over the same stale file in the same microseconds could both hold it: the
 * window is the gap between a read and an unlink, on one port in ten thousand).
 */
function reserve(directory: string, port: number): boolean {
  const file = join(directory, String(port));
  for (let round = 0; round < 2; round += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: number;
    try {
      owner = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released in between: try again
    }
    // a file being written reads empty and is left alone
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) return false;
    try {
      unlinkSync(file);
    } catch {
      // another process cleared it first
    }
  }
  return false;
}

/**
 * A TCP port nothing listens on, reserved for this process. The test fleets of parallel jest
 * workers each start about ten services on ports picked this way: an OS-picked port (`listen(0)`,
 * then close) can be picked again, or taken by a connection, before the slow service binds it, and
 * then one fleet's readiness probe is answered by another fleet's service. The reservation lasts
 * while this process runs ({@link releasePort} ends it early). The search starts at a random port
 * and walks the whole range once.
 */
export async function freePort(): Promise<number> {
  const directory = portReservationDirectory();
  mkdirSync(directory, { recursive: true });
  const span = RESERVED_PORTS.last - RESERVED_PORTS.first + 1;
  const start = randomInt(span);
  for (let step = 0; step < span; step += 1) {
    const port = RESERVED_PORTS.first + ((start + step) % span);
    if (!reserve(directory, port)) continue;
    if (await portIsFree(port)) return port;
    // something outside the scheme listens there: keep the reservation so nobody picks it again
  }
  throw new Error(`no free port in ${RESERVED_PORTS.first}–${RESERVED_PORTS.last}`);
}

/** Ends this process's reservation of a port from {@link freePort}. */
export function releasePort(port: number): void {
  const file = join(portReservationDirectory(), String(port));
  try {
    if (Number(readFileSync(file, 'utf8')) === process.pid) unlinkSync(file);
  } catch {
    // not reserved (any more)
  }
}

/** Whether nothing listens on the port (on any address) right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
