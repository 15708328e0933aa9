/**
 * Builds the stand-in images described in standins/README.md with `docker import`, from Debian's
 * busybox-static and prometheus packages installed on the test machine. An image is rebuilt only when
 * what goes into it changes (a content hash label).
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPTS = path.join(import.meta.dirname, 'standins');

export const STANDINS = {
  collector: 'stackgen-standin/otel-collector:test',
  jaeger: 'stackgen-standin/jaeger:test',
  prometheus: 'stackgen-standin/prometheus:test',
  grafana: 'stackgen-standin/grafana:test',
  tempo: 'stackgen-standin/tempo:test',
  loki: 'stackgen-standin/loki:test',
  busybox: 'stackgen-standin/busybox:test',
  clickhouseKeeper: 'stackgen-standin/clickhouse-keeper:test',
  clickhouse: 'stackgen-standin/clickhouse:test',
  signozCollector: 'stackgen-standin/signoz-otel-collector:test',
  signoz: 'stackgen-standin/signoz:test',
  postgres: 'stackgen-standin/postgres:test',
  unhealthy: 'stackgen-standin/unhealthy:test',
  pushgateway: 'stackgen-standin/pushgateway:test',
  app: 'stackgen-standin/app:test',
} as const;

/** Bump when buildImage itself changes, so images built by the old code are rebuilt. */
const BUILDER_REVISION = 3;

const METRICS = '# HELP standin_up A stand-in serving metrics.\n# TYPE standin_up gauge\nstandin_up 1\n';
const APPLETS =
  'sh wget httpd nc sleep cat grep sed awk head tr mkdir touch id echo printf ls chown uname mktemp tar gzip mv chmod rm dirname nslookup killall date wc'.split(
    ' ',
  );

interface Spec {
  /** None, like busybox: the command runs as given. */
  entrypoint?: string[];
  user: string;
  /** Files under the root: path → content. */
  files?: Record<string, string>;
  /** Folders to create, with their owner uid. */
  owned?: Record<string, number>;
  workdir?: string;
  cmd?: string[];
  prometheus?: boolean;
  /** Links to make: path → target (where the real image has a binary). */
  links?: Record<string, string>;
  /** Serve a fake histogram-quantile_linux_<arch>.tar.gz under /www/grafana/udf (a mirror for SigNoz's download). */
  udfMirror?: boolean;
}

const SPECS: Record<keyof typeof STANDINS, Spec> = {
  collector: {
    entrypoint: ['/standin/otel-collector.sh'],
    user: '10001:10001',
    files: { '/www/health/index.html': '{"status":"Server available"}', '/www/metrics/metrics': METRICS },
  },
  jaeger: {
    entrypoint: ['/standin/jaeger.sh'],
    user: '10001:10001',
    files: {
      '/www/ui/index.html': 'jaeger stand-in',
      '/www/health/status': '{"status":"StatusOK"}',
      '/www/metrics/metrics': METRICS,
    },
  },
  grafana: {
    entrypoint: ['/standin/grafana.sh'],
    links: { '/usr/bin/grafana': '/standin/grafana-cli.sh' },
    user: '472:0',
    files: { '/www/grafana/api/health': '{"database":"ok"}', '/www/grafana/metrics': METRICS },
    owned: { '/var/lib/grafana': 472, '/www/grafana/api/datasources': 472 },
    udfMirror: true,
  },
  prometheus: {
    entrypoint: ['/standin/prometheus.sh'],
    cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
    user: '65534:65534',
    workdir: '/prometheus',
    owned: { '/prometheus': 65534, '/etc/prometheus': 65534 },
    prometheus: true,
  },
  tempo: {
    entrypoint: ['/standin/tempo.sh'],
    links: { '/tempo': '/standin/tempo.sh' },
    user: '10001:10001',
    files: { '/www/tempo/ready': 'ready', '/www/tempo/metrics': METRICS },
    // As in the real image: /var/tempo belongs to 10001, so a new named volume does too.
    owned: { '/var/tempo': 10001 },
  },
  loki: {
    entrypoint: ['/standin/loki.sh'],
    links: { '/usr/bin/loki': '/standin/loki.sh' },
    user: '10001:10001',
    // As in the real image: /loki belongs to 10001, so a new named volume does too.
    owned: { '/loki': 10001 },
  },
  busybox: { user: '0:0', cmd: ['sh'] },
  clickhouseKeeper: {
    entrypoint: ['/usr/bin/clickhouse-keeper'],
    user: '0:0',
    links: {
      '/usr/bin/clickhouse-keeper': '/standin/clickhouse-keeper.sh',
      '/usr/bin/clickhouse-keeper-client': '/standin/clickhouse-keeper-client.sh',
    },
  },
  clickhouse: {
    entrypoint: ['/standin/clickhouse.sh'],
    user: '0:0',
    files: { '/www/clickhouse/ping': 'Ok.\n' },
  },
  signozCollector: {
    user: '0:0',
    links: {
      '/signoz-otel-collector': '/standin/signoz-otel-collector.sh',
    },
    files: { '/www/health/index.html': '{"status":"Server available"}', '/www/metrics/metrics': METRICS },
  },
  signoz: {
    entrypoint: ['/standin/signoz.sh'],
    user: '0:0',
    files: { '/www/signoz/api/v1/health': '{"status":"ok"}' },
    // As in the real image, "./signoz server" from /root (its ENTRYPOINT), which swarm.yaml runs itself.
    workdir: '/root',
    links: { '/root/signoz': '/standin/signoz.sh' },
  },
  postgres: {
    entrypoint: ['/standin/postgres.sh'],
    user: '0:0',
    links: { '/usr/bin/pg_isready': '/standin/pg_isready.sh' },
  },
  unhealthy: { entrypoint: ['/standin/unhealthy.sh'], user: '10001:10001' },
  pushgateway: {
    entrypoint: ['/standin/pushgateway.sh'],
    user: '65534:65534',
    files: { '/www/push/metrics': METRICS },
  },
  app: { entrypoint: ['/standin/app.sh'], user: '0:0' },
};

/**
 * How verify's hops end on a Jaeger stack of stand-ins (no scrape jobs of its own, no Loki): the stand-ins
 * answer OTLP/HTTP but not gRPC, keep no traces and make no span metrics, so those hops fail.
 */
export const JAEGER_STACK_HOPS = [
  ['collector-health', 'pass'],
  ['otlp-http', 'pass'],
  ['otlp-grpc', 'fail'],
  ['backend', 'fail'],
  ['span-metrics', 'fail'],
  ['grafana', 'pass'],
  ['scrape-targets', 'skip'],
  ['logs', 'skip'],
];

export async function buildStandins(): Promise<void> {
  const scripts = await readScripts();
  for (const [name, spec] of Object.entries(SPECS) as [keyof typeof STANDINS, Spec][]) {
    const tag = STANDINS[name];
    const hash = createHash('sha256')
      .update(JSON.stringify({ spec, scripts, APPLETS, BUILDER_REVISION }))
      .digest('hex')
      .slice(0, 16);
    const current = await execa(
      'docker',
      ['image', 'inspect', '-f', '{{index .Config.Labels "stackgen.standin.hash"}}', tag],
      { reject: false },
    );
    if (current.stdout.trim() === hash) continue;
    await buildImage(tag, spec, scripts, hash);
  }
}

async function readScripts(): Promise<Record<string, string>> {
  const names = (await readdir(SCRIPTS)).filter((f) => f.endsWith('.sh'));
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(path.join(SCRIPTS, n), 'utf8')])),
  );
}

async function buildImage(
  tag: string,
  spec: Spec,
  scripts: Record<string, string>,
  hash: string,
): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'stackgen-standin-'));
  try {
    await mkdir(path.join(root, 'bin'), { recursive: true });
    await copyFile('/bin/busybox', path.join(root, 'bin/busybox'));
    for (const applet of APPLETS) await symlink('busybox', path.join(root, 'bin', applet));
    await mkdir(path.join(root, 'tmp'));
    await chmod(path.join(root, 'tmp'), 0o1777);
    await write(
      root,
      '/etc/passwd',
      'root:x:0:0::/root:/bin/sh\ngrafana:x:472:0::/usr/share/grafana:/bin/sh\nstandin:x:10001:10001::/tmp:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/sh\n',
    );
    await write(root, '/etc/group', 'root:x:0:\nstandin:x:10001:\nnobody:x:65534:\n');
    for (const [name, content] of Object.entries(scripts))
      await write(root, `/standin/${name}`, content, 0o755);
    for (const [file, content] of Object.entries(spec.files ?? {})) await write(root, file, content);
    if (spec.prometheus) await addPrometheus(root);
    for (const [link, target] of Object.entries(spec.links ?? {})) {
      await mkdir(path.join(root, path.dirname(link)), { recursive: true });
      await symlink(target, path.join(root, link));
    }
    if (spec.udfMirror) await addUdfMirror(root);
    for (const [dir, uid] of Object.entries(spec.owned ?? {})) {
      await mkdir(path.join(root, dir), { recursive: true });
      await chown(path.join(root, dir), uid, uid);
    }
    const changes = [
      ...(spec.entrypoint ? [`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`] : []),
      `USER ${spec.user}`,
      'ENV PATH=/usr/bin:/bin',
      `LABEL stackgen.standin.hash=${hash}`,
      ...(spec.cmd ? [`CMD ${JSON.stringify(spec.cmd)}`] : []),
      ...(spec.workdir ? [`WORKDIR ${spec.workdir}`] : []),
    ];
    await execa('tar', ['-C', root, '--numeric-owner', '-c', '.']).pipe('docker', [
      'import',
      ...changes.flatMap((c) => ['--change', c]),
      '-',
      tag,
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The real Prometheus binary with the libraries it links (only libc). */
async function addPrometheus(root: string): Promise<void> {
  await copyFile('/usr/bin/prometheus', path.join(root, 'bin/prometheus'));
  const { stdout } = await execa('ldd', ['/usr/bin/prometheus']);
  for (const lib of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) {
    await mkdir(path.join(root, path.dirname(lib[1]!)), { recursive: true });
    await copyFile(lib[1]!, path.join(root, lib[1]!));
  }
}

async function addUdfMirror(root: string): Promise<void> {
  await writeUdfArchives(path.join(root, 'www/grafana/udf'));
}

/** A fake histogramQuantile executable, packed as SigNoz releases it, for each architecture, into `dir`. */
export async function writeUdfArchives(dir: string): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'stackgen-udf-'));
  try {
    await writeFile(
      path.join(work, 'histogram-quantile'),
      '#!/bin/sh\n# stand-in histogramQuantile\necho 0\n',
      { mode: 0o755 },
    );
    await mkdir(dir, { recursive: true });
    for (const arch of ['amd64', 'arm64']) {
      await execa('tar', [
        '-czf',
        path.join(dir, `histogram-quantile_linux_${arch}.tar.gz`),
        '-C',
        work,
        'histogram-quantile',
      ]);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function write(root: string, file: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(path.join(root, path.dirname(file)), { recursive: true });
  await writeFile(path.join(root, file), content, { mode });
}
