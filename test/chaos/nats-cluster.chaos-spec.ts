import { setTimeout as sleep } from 'node:timers/promises';
import { connect, Empty, type NatsConnection, type StreamInfo } from 'nats';
import { BusNamespace } from '@switchyard/bus';
import { Consumers, Streams } from '@switchyard/contracts';
import { eventually, TEST_MASTER_KEY, TestFleet, writeTestConfig } from '@switchyard/testing';
import { NatsCluster } from '@switchyard/testing/nats-cluster';

/**
 * The bus as deploy/kubernetes runs it: three nats-server processes as one JetStream cluster, the
 * usage streams at three replicas (USAGE_STREAM_REPLICAS=3), the fleet connected to all three
 * nodes. Under a steady load of plain and streamed requests, a node that leads nothing is killed
 * (SIGKILL) and restarted once the load has gone on without it, then the node that leads the USAGE
 * stream and the ledger's consumer is killed for good (two of three keep the quorum). The gateway must fail no
 * request that had not started streaming, and the ledger must end with one usage row per request:
 * nothing lost in the elections, nothing counted twice.
 */

const MODEL = 'gpt-5.4-mini';
const WORKERS = 6;

interface Outcome {
  index: number;
  stream: boolean;
  status: number;
  /** the client saw content before the request ended. */
  startedStreaming: boolean;
  completed: boolean;
  failure?: string;
  phase: string;
}

describe('NATS cluster', () => {
  let cluster: NatsCluster;
  let fleet: TestFleet;
  let bus: NatsConnection;
  let streamName: string;
  let ledgerConsumer: string;
  const outcomes: Outcome[] = [];
  let phase = 'steady';
  let sent = 0;

  beforeAll(async () => {
    cluster = await NatsCluster.start(3);
    const configPath = writeTestConfig((document) => {
      document.model_list = document.model_list.filter((entry) => entry.model_name === MODEL);
    });
    fleet = await TestFleet.start({
      configPath,
      extraDispatchers: { openai: 1 },
      environment: { NATS_URL: cluster.url, USAGE_STREAM_REPLICAS: '3', LOG_LEVEL: 'warn' },
    });
    bus = await connect({
      servers: cluster.url.split(','),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
    });
    const namespace = new BusNamespace(fleet.namespace);
    streamName = namespace.name(Streams.usage.name);
    ledgerConsumer = namespace.name(Consumers.ledger);
  });

  afterAll(async () => {
    await bus?.close().catch(() => undefined);
    await fleet?.stop();
    await cluster?.stop();
    const failed = outcomes.filter((outcome) => !outcome.completed).length;
    const phases = outcomes.reduce<Record<string, number>>(
      (counts, outcome) => ({ ...counts, [outcome.phase]: (counts[outcome.phase] ?? 0) + 1 }),
      {},
    );
    console.log(
      `nats cluster: ${outcomes.length} requests, ${failed} ended early after streaming began; by phase ${JSON.stringify(phases)}`,
    );
  });

  async function streamInfo(): Promise<StreamInfo> {
    return (await bus.jetstreamManager({ timeout: 2000 })).streams.info(streamName);
  }

  async function leaders(): Promise<{ stream: string; consumer: string }> {
    const manager = await bus.jetstreamManager({ timeout: 2000 });
    const stream = (await manager.streams.info(streamName)).cluster?.leader;
    const consumer = (await manager.consumers.info(streamName, ledgerConsumer)).cluster?.leader;
    if (!stream || !consumer) throw new Error('the USAGE stream or the ledger consumer has no leader');
    return { stream, consumer };
  }

  /**
   * Steps the USAGE stream's leader down until it lands on the node that leads the ledger's
   * consumer (each step elects one of the two others), and returns that node.
   */
  async function colocateLeaders(): Promise<string> {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const current = await leaders();
      if (current.stream === current.consumer) return current.stream;
      await bus.request(`$JS.API.STREAM.LEADER.STEPDOWN.${streamName}`, Empty, { timeout: 5000 });
      await eventually(leaders, (next) => next.stream !== current.stream, {
        timeoutMs: 15_000,
        description: 'a new USAGE stream leader after a step-down',
      });
    }
    throw new Error('the USAGE stream and the ledger consumer kept different leaders after 12 step-downs');
  }

  /** Kills a node under the load, lets the load go on for a while without it, restarts it. */
  async function killAndRestart(name: string, role: string): Promise<string> {
    phase = `${role} ${name} killed`;
    await cluster.kill(name);
    await sleep(4000);
    // the other two elect new leaders before anything else is killed
    await eventually(leaders, (current) => current.stream !== name && current.consumer !== name, {
      timeoutMs: 20_000,
      description: `leaders elected without ${name}`,
    });
    phase = `${role} ${name} restarting`;
    await cluster.restart(name);
    // the restarted node has caught up before the next fault, as a PDB of one waits for it
    await eventually(
      streamInfo,
      (info) =>
        info.cluster?.replicas?.length === 2 && info.cluster.replicas.every((replica) => replica.current),
      { timeoutMs: 20_000, description: 'every replica of the USAGE stream current again' },
    );
    return name;
  }

  async function send(stream: boolean): Promise<Outcome> {
    const index = (sent += 1);
    const outcome: Outcome = { index, stream, status: 0, startedStreaming: false, completed: false, phase };
    try {
      const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          stream,
          // unique (no cache hit), and slow enough to be in flight when a node dies
          messages: [
            { role: 'user', content: `cluster ${index} [[mock:{"latencyMs":150,"chunkDelayMs":40}]]` },
          ],
        }),
      });
      outcome.status = response.status;
      if (!stream) {
        const body = (await response.json()) as { choices?: { message: { content: string } }[] };
        outcome.completed = response.status === 200 && Boolean(body.choices?.[0].message.content);
        if (!outcome.completed) outcome.failure = JSON.stringify(body).slice(0, 300);
        return outcome;
      }
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (/"content":"[^"]/.test(text)) outcome.startedStreaming = true;
      }
      outcome.completed = response.status === 200 && text.includes('data: [DONE]') && !/"error"/.test(text);
      if (!outcome.completed) outcome.failure = text.slice(-300);
    } catch (error) {
      outcome.failure = (error as Error).message;
    }
    return outcome;
  }

  it('creates the usage streams with three replicas on the cluster', async () => {
    const info = await streamInfo();

    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas).toHaveLength(2);
  });

  it('loses no request and no usage row when a node, then the usage stream leader, is killed under load', async () => {
    let running = true;
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      for (let round = 0; running; round += 1) outcomes.push(await send((worker + round) % 2 === 0));
    });
    try {
      await sleep(1500);
      const { stream: streamLeader, consumer: consumerLeader } = await leaders();
      const bystander = cluster.names.find((name) => name !== streamLeader && name !== consumerLeader)!;
      await killAndRestart(bystander, 'node');
      // then the node that leads the USAGE stream, for good (two of three keep the quorum); it is
      // made to lead the ledger's consumer too, so the ledger's pull requests die with it
      const leader = await colocateLeaders();
      phase = `stream leader ${leader} killed`;
      await cluster.kill(leader);
      await sleep(4000);
      const after = await eventually(
        leaders,
        (current) => current.stream !== leader && current.consumer !== leader,
        {
          timeoutMs: 20_000,
          description: `leaders elected without ${leader}`,
        },
      );
      expect(after.stream).not.toBe(leader);
      phase = 'after';
      await sleep(1000);
    } finally {
      running = false;
      await Promise.all(workers);
    }

    const duringFaults = outcomes.filter((outcome) => outcome.phase.endsWith('killed'));
    expect(duringFaults.length).toBeGreaterThan(0);
    const failedBeforeStreaming = outcomes.filter(
      (outcome) => !outcome.completed && !outcome.startedStreaming,
    );
    expect(failedBeforeStreaming).toEqual([]);

    // A dispatcher cut off from the bus mid-call may still have made (and been billed for) its
    // upstream call, and the ingress dispatches the call again (MAX_REDISPATCHES): that is a
    // second upstream attempt with a row of its own. So: every request has its row, no attempt
    // has two, and any extra row belongs to a later attempt of a request that has one already.
    const counts = await eventually(
      async () =>
        (
          await fleet.database.query<{ rows: string; requests: string; attempts: string }>(
            `SELECT count(*) AS rows, count(DISTINCT request_id) AS requests,
                    count(DISTINCT (request_id, attempt, retry)) AS attempts
               FROM usage_events WHERE kind = 'upstream'`,
          )
        )[0],
      (row) => Number(row.requests) >= outcomes.length,
      { timeoutMs: 20_000, description: `usage rows of ${outcomes.length} requests` },
    );
    console.log(
      `nats cluster: ${counts.rows} upstream usage rows for ${counts.requests} requests (${Number(counts.rows) - Number(counts.requests)} from a redispatched attempt)`,
    );
    expect({ requests: Number(counts.requests), attempts: Number(counts.attempts) }).toEqual({
      requests: outcomes.length,
      attempts: Number(counts.rows),
    });
    const extra = await fleet.database.query<{ attempt: number }>(
      `SELECT attempt FROM (
         SELECT attempt, row_number() OVER (PARTITION BY request_id ORDER BY attempt, retry) AS nth
           FROM usage_events WHERE kind = 'upstream') AS ranked
        WHERE nth > 1`,
    );
    for (const row of extra) expect(row.attempt).toBeGreaterThan(0);
  });
});
