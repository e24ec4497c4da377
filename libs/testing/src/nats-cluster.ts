import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@switchyard/fleet';

const NATS_SERVER_BINARY = process.env.NATS_SERVER_BINARY ?? '/usr/sbin/nats-server';

interface ClusterNode {
  name: string;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  configPath: string;
  child: ChildProcess | null;
  output: string[];
}

/**
 * A JetStream cluster of one test's own: several `nats-server` processes on loopback and free
 * ports, routed to each other, each with its store in a temporary folder (the shared NATS on 4222
 * is never touched). A node can be killed and restarted on the same ports and store, as a
 * restarted pod with its volume would be.
 */
export class NatsCluster {
  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly directory: string,
  ) {}

  /** every client URL, comma-separated: what the services take as NATS_URL. */
  get url(): string {
    return this.nodes.map((node) => `nats://127.0.0.1:${node.clientPort}`).join(',');
  }

  get names(): string[] {
    return this.nodes.map((node) => node.name);
  }

  static async start(size = 3): Promise<NatsCluster> {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-nats-cluster-'));
    const nodes: ClusterNode[] = [];
    for (let index = 1; index <= size; index += 1) {
      nodes.push({
        name: `n${index}`,
        clientPort: await freePort(),
        clusterPort: await freePort(),
        monitorPort: await freePort(),
        configPath: join(directory, `n${index}.conf`),
        child: null,
        output: [],
      });
    }
    const routes = nodes.map((node) => `nats://127.0.0.1:${node.clusterPort}`).join(', ');
    for (const node of nodes) {
      const store = join(directory, node.name);
      mkdirSync(store);
      writeFileSync(
        node.configPath,
        [
          `server_name: ${node.name}`,
          `listen: 127.0.0.1:${node.clientPort}`,
          `http: 127.0.0.1:${node.monitorPort}`,
          'max_payload: 16MB',
          `jetstream { store_dir: "${store}" }`,
          `cluster { name: switchyard-test, listen: 127.0.0.1:${node.clusterPort}, routes: [${routes}] }`,
        ].join('\n'),
      );
    }
    const cluster = new NatsCluster(nodes, directory);
    try {
      for (const node of nodes) cluster.launch(node);
      await cluster.waitHealthy(nodes);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Kills one node (SIGKILL: a crash) and waits until it is gone. */
  async kill(name: string): Promise<void> {
    const node = this.node(name);
    const child = node.child;
    node.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed node again on its ports and store; resolves once JetStream is healthy there. */
  async restart(name: string): Promise<void> {
    const node = this.node(name);
    this.launch(node);
    await this.waitHealthy([node]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node.name)));
    rmSync(this.directory, { recursive: true, force: true });
  }

  private node(name: string): ClusterNode {
    const node = this.nodes.find((item) => item.name === name);
    if (!node) throw new Error(`no NATS node ${name}`);
    return node;
  }

  private launch(node: ClusterNode): void {
    if (node.child) throw new Error(`NATS node ${node.name} is already running`);
    const child = spawn(NATS_SERVER_BINARY, ['-c', node.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      node.output.push(chunk.toString());
      if (node.output.length > 200) node.output.shift();
    });
    node.child = child;
  }

  /** `/healthz` answers ok on every node: it listens and JetStream has found its meta leader. */
  private async waitHealthy(nodes: ClusterNode[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of nodes) {
      for (;;) {
        if (node.child?.exitCode !== null && node.child?.exitCode !== undefined) {
          throw new Error(`nats-server ${node.name} exited: ${node.output.join('').slice(-2000)}`);
        }
        const healthy = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
        if (healthy) break;
        if (Date.now() > deadline) {
          throw new Error(`nats-server ${node.name} not healthy: ${node.output.join('').slice(-2000)}`);
        }
        await sleep(100);
      }
    }
  }
}
