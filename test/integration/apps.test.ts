/**
 * Connecting real applications on the real Docker engine with the real Docker Compose v2: an app project
 * whose network has no `name:` (the compose network-name trap), an exporter on this machine scraped
 * through host-gateway, and `stackgen verify --app` on a working app and on broken ones.
 *
 * Real: the engine, Compose, the app project and its networks (created by compose, named by it), the
 * override files, Docker's DNS (nslookup inside the app's container), the containers' environment,
 * host-gateway, an HTTP server on this machine (on the Docker bridge address, reachable by the stack's
 * containers only) and Prometheus (Debian's binary) scraping it. Stand-ins (fakes, see
 * standins/README.md): the collector, Jaeger, Grafana and the apps (busybox). Jaeger's stand-in stores
 * nothing: for the app-spans hop the test gives it the answer the real Jaeger gives once it stored a span.
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, dispose, eventually, stackgenIn, upTargets } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgapps';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = { grpc: 28317, http: 28318, health: 28133, jaeger: 28686, prometheus: 28090, grafana: 28000 };
const EXPORTER = 28100;
const NOBODY = 28101;

/** The address host-gateway stands for: the default bridge's, on this machine. */
const bridge = networkInterfaces().docker0?.find((a) => a.family === 'IPv4')?.address;

function stackFile(appNetwork: string): string {
  const app = (service: string) => `  - service: ${service}\n    composeFile: app/compose.yaml\n`;
  return `name: ${NAME}
backend: jaeger
networks:
  applications:
    - {name: ${appNetwork}, external: true}
apps:
${['web', 'legacy', 'grpcish', 'lonely'].map(app).join('')}prometheus:
  scrapeJobs:
    - {name: exporter, targets: ["host.docker.internal:${EXPORTER}"]}
    - {name: nobody, targets: ["host.docker.internal:${NOBODY}"]}
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    jaeger: { ui: ${PORTS.jaeger} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`;
}

/** The app project: its network has no name:, so Docker calls it shop_app-network. */
const APP = `name: shop
services:
  web:
    image: ${STANDINS.app}
    networks: [app-network]
  legacy:
    image: ${STANDINS.app}
    networks: [app-network]
    environment:
      # A leftover from before the stack: it wins over OTEL_EXPORTER_OTLP_ENDPOINT for traces.
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://localhost:4318/v1/traces
  grpcish:
    image: ${STANDINS.app}
    networks: [app-network]
    environment:
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: grpc
  lonely:
    image: ${STANDINS.app}
    networks: [private]
networks:
  app-network: {}
  private: {}
`;

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;
let exporter: http.Server | undefined;

const app = (...args: string[]) =>
  execa('docker', ['compose', '-f', 'app/compose.yaml', ...args], { cwd: project, reject: false });
const overrides = (...names: string[]) =>
  names.flatMap((n) => ['-f', `deploy/${NAME}/apps/${n}.override.yaml`]);

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME, 'shop'], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: stackFile('app-network'),
    'app/compose.yaml': APP,
  });
  stackgen = stackgenIn(project);
  // An exporter on this machine, listening on the bridge address only (not on 127.0.0.1).
  exporter = http.createServer((_req, res) => res.end('# TYPE on_host gauge\non_host 1\n'));
  await new Promise<void>((resolve) => exporter!.listen(EXPORTER, bridge, resolve));
});

afterAll(async () => {
  exporter?.close();
  await execa('docker', ['compose', '-f', 'app/compose.yaml', 'down', '--remove-orphans'], {
    cwd: project,
    reject: false,
  });
  await dispose([NAME, 'shop'], project);
});

describe.sequential('an app project and the stack on the real engine', () => {
  it('stops at the network-name trap, and takes the name Docker gives the network', async () => {
    const trapped = await stackgen(['generate']);
    expect(trapped.exitCode).toBe(2);
    expect(trapped.stderr).toContain('Write name: shop_app-network here (external: true');
    await writeFile(path.join(project!, `stacks/${NAME}.yaml`), stackFile('shop_app-network'));
    const generate = await stackgen(['generate']);
    expect(generate.exitCode, generate.stderr).toBe(0);
  });

  it('names the project that creates the network when it does not exist yet', async () => {
    const up = await stackgen(['up']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(
      'the network shop_app-network does not exist yet: the compose project shop (app/compose.yaml) creates it; start it first ("docker compose -f app/compose.yaml up -d"), then "stackgen up" again',
    );
  });

  it('comes up on the network the app project created, and the app reaches the collector by name', async () => {
    expect((await app('up', '-d', 'lonely')).exitCode).toBe(0);
    const up = await stackgen(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    const joined = await execa('docker', [
      'network',
      'inspect',
      'shop_app-network',
      '-f',
      '{{range .Containers}}{{.Name}} {{end}}',
    ]);
    expect(joined.stdout).toContain(`${NAME}-otel-collector-1`);
    const start = await execa(
      'docker',
      [
        'compose',
        '-f',
        'app/compose.yaml',
        ...overrides('web', 'legacy', 'grpcish'),
        'up',
        '-d',
        'web',
        'legacy',
        'grpcish',
      ],
      { cwd: project },
    );
    expect(start.exitCode).toBe(0);
    const post = await app(
      'exec',
      '-T',
      'web',
      'wget',
      '-q',
      '-O',
      '-',
      '--header',
      'Content-Type: application/json',
      '--post-data',
      '{"resourceSpans":[]}',
      'http://otel-collector:4318/v1/traces',
    );
    expect(post.stdout, `${post.exitCode} ${post.stderr}`).toBe('{}');
  });

  it('scrapes an exporter on this machine through host-gateway', async () => {
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.includes('exporter') ? up : undefined;
    }, 60);
    expect(jobs).toContain('exporter');
    expect(jobs).not.toContain('nobody');
  });

  it('fails verify at the scrape targets that are down, saying why', async () => {
    const verify = await stackgen(['verify', '--json', '--timeout', '20']);
    const report = JSON.parse(verify.stdout) as {
      hops: { id: string; status: string; detail: string; hint?: string }[];
    };
    const hop = report.hops.find((h) => h.id === 'scrape-targets')!;
    expect(hop.status).toBe('fail');
    expect(hop.detail).toMatch(
      new RegExp(`^nobody host.docker.internal:${NOBODY}: down \\(.*connection refused`),
    );
    expect(hop.hint).toContain(
      'must listen on 0.0.0.0 (or the Docker bridge address), not on 127.0.0.1 only',
    );
  });

  it('passes verify --app for a working app, hop by hop', async () => {
    // What the real Jaeger answers to a search once it stored a span of the service (the stand-in stores nothing).
    const trace = JSON.stringify({
      result: {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'web' } }] },
            scopeSpans: [{ spans: [{ name: 'GET /' }] }],
          },
        ],
      },
    });
    await execa('docker', [
      'compose',
      '-p',
      NAME,
      'exec',
      '-T',
      '-u',
      '0',
      'jaeger',
      'sh',
      '-c',
      `mkdir -p /www/ui/api/v3 && printf '%s' '${trace}' > /www/ui/api/v3/traces`,
    ]);
    const verify = await stackgen(['verify', '--app', 'web', '--json', '--timeout', '5']);
    const report = JSON.parse(verify.stdout) as {
      app: string;
      ok: boolean;
      hops: { id: string; status: string; detail: string }[];
    };
    expect(report.hops.map((h) => [h.id, h.status])).toEqual([
      ['collector-health', 'pass'],
      ['app-container', 'pass'],
      ['app-networks', 'pass'],
      ['app-dns', 'pass'],
      ['app-environment', 'pass'],
      ['app-spans', 'pass'],
    ]);
    expect(verify.exitCode).toBe(0);
    expect(report.hops.find((h) => h.id === 'app-networks')!.detail).toBe(
      'shares sgapps-net, shop_app-network with the collector',
    );
  });

  it('names a leftover per-signal endpoint, a protocol that does not fit the port, a missing network, no spans', async () => {
    const failing = async (name: string) => {
      const result = await stackgen(['verify', '--app', name, '--json', '--timeout', '2']);
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.stdout) as {
        hops: { id: string; status: string; detail: string; hint?: string }[];
      };
      return report.hops.find((h) => h.status === 'fail')!;
    };
    const legacy = await failing('legacy');
    expect(legacy.id).toBe('app-environment');
    expect(legacy.detail).toContain(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://localhost:4318/v1/traces wins over OTEL_EXPORTER_OTLP_ENDPOINT for traces',
    );
    expect(legacy.hint).toContain('remove OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    const grpcish = await failing('grpcish');
    expect(grpcish.detail).toContain(
      "the protocol is grpc but http://otel-collector:4318 is the collector's OTLP/HTTP port",
    );
    const lonely = await failing('lonely');
    expect(lonely.id).toBe('app-networks');
    expect(lonely.detail).toBe('lonely is on shop_private; the collector is on sgapps-net, shop_app-network');
    expect(lonely.hint).toContain(`-f deploy/${NAME}/apps/lonely.override.yaml up -d`);
    await execa('docker', [
      'compose',
      '-p',
      NAME,
      'exec',
      '-T',
      '-u',
      '0',
      'jaeger',
      'rm',
      '/www/ui/api/v3/traces',
    ]);
    const silent = await failing('web');
    expect(silent.id).toBe('app-spans');
    expect(silent.detail).toMatch(/^no spans of web from the last 15 minutes/);
  });
});
