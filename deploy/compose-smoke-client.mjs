// The client side of deploy/compose-smoke.sh: HTTP calls against the compose fleet and checks of
// what Docker and Prometheus report. Each command prints one line and exits 1 when its check fails.
//   node deploy/compose-smoke-client.mjs loopback RENDERED OUT INGRESS_PORT GRAFANA_PORT
//   node deploy/compose-smoke-client.mjs routed BASE_URL KEY
//   node deploy/compose-smoke-client.mjs stream BASE_URL KEY
//   node deploy/compose-smoke-client.mjs load BASE_URL KEY COUNT LATENCY_MS LABEL
//   node deploy/compose-smoke-client.mjs targets SERVICE... < prometheus /api/v1/targets JSON
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

const [command, ...args] = process.argv.slice(2);

function fail(message) {
  console.error(`compose smoke: ${message}`);
  process.exit(1);
}

async function chat(baseUrl, key, body) {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Publishes every port of the rendered compose file on 127.0.0.1 only: the ingress and Grafana on
 * the ports given, anything else on a port Docker picks.
 */
function loopback([rendered, out, ingressPort, grafanaPort]) {
  const document = parse(readFileSync(rendered, 'utf8'));
  const hostPorts = { ingress: ingressPort, grafana: grafanaPort };
  for (const [name, service] of Object.entries(document.services)) {
    if (!service.ports) continue;
    service.ports = service.ports.map((port) => {
      // a short form ends in the container port, with a protocol when docker-compose config adds one ('3000/tcp')
      const target =
        typeof port === 'object' ? port.target : Number.parseInt(String(port).split(':').pop(), 10);
      return `127.0.0.1:${hostPorts[name] ?? ''}:${target}`;
    });
  }
  // YAML 1.1, as docker-compose reads it: 'no' and 'on' stay strings
  writeFileSync(out, stringify(document, { version: '1.1' }));
  console.log(`compose smoke: ingress on 127.0.0.1:${ingressPort}, grafana on 127.0.0.1:${grafanaPort}`);
}

async function routed([baseUrl, key]) {
  const response = await chat(baseUrl, key, {
    model: 'frontier-router',
    messages: [{ role: 'user', content: 'Compose smoke: say hello.' }],
  });
  const tier = response.headers.get('x-litellm-complexity-router-tier');
  const body = await response.json();
  if (response.status !== 200 || !tier || tier === 'none' || !body.choices?.[0]?.message?.content) {
    fail(`routed chat: status ${response.status}, tier ${tier}, body ${JSON.stringify(body).slice(0, 300)}`);
  }
  console.log(`compose smoke: routed chat 200, tier ${tier}, model ${body.model}`);
}

async function stream([baseUrl, key]) {
  const response = await chat(baseUrl, key, {
    model: 'gpt-5.4-mini',
    stream: true,
    messages: [{ role: 'user', content: 'Compose smoke: stream.' }],
  });
  const text = await response.text();
  const chunks = text.split('\n').filter((line) => line.startsWith('data: {')).length;
  if (response.status !== 200 || !text.includes('data: [DONE]') || chunks < 2) {
    fail(`stream: status ${response.status}, ${chunks} chunks, ${text.slice(-300)}`);
  }
  console.log(`compose smoke: stream 200, ${chunks} chunks, [DONE]`);
}

async function load([baseUrl, key, count, latencyMs, label]) {
  const knob = Number(latencyMs) > 0 ? ` [[mock:{"latencyMs":${Number(latencyMs)}}]]` : '';
  const results = await Promise.allSettled(
    Array.from({ length: Number(count) }, async (_, index) => {
      const response = await chat(baseUrl, key, {
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: `compose smoke ${label} ${index}${knob}` }],
      });
      const body = await response.json();
      if (response.status !== 200)
        throw new Error(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      return body;
    }),
  );
  const failed = results
    .filter((result) => result.status === 'rejected')
    .map((result) => String(result.reason));
  if (failed.length > 0)
    fail(`${label}: ${failed.length} of ${count} failed: ${failed.slice(0, 3).join(' | ')}`);
  console.log(`compose smoke: ${label}: ${count} of ${count} answered 200`);
}

async function targets(services) {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const active = input.data.activeTargets;
  const down = active.filter((target) => target.health !== 'up');
  const byService = new Map();
  for (const target of active) {
    const name = target.labels.compose_service ?? target.labels.job;
    byService.set(name, (byService.get(name) ?? 0) + (target.health === 'up' ? 1 : 0));
  }
  const missing = services.filter((service) => !(byService.get(service) > 0));
  const summary = [...byService.entries()].map(([name, up]) => `${name}=${up}`).join(' ');
  if (down.length > 0 || missing.length > 0) {
    fail(
      `Prometheus targets: down ${down.map((target) => target.scrapeUrl).join(', ') || 'none'}; ` +
        `missing ${missing.join(', ') || 'none'} (${summary})`,
    );
  }
  console.log(`compose smoke: Prometheus targets up: ${summary}`);
}

const commands = { loopback, routed, stream, load, targets };
if (!commands[command]) fail(`unknown command ${command}`);
await commands[command](args);
