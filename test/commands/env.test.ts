import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { env, format, type EnvOptions } from '../../src/commands/env.js';
import { UsageError } from '../../src/errors.js';
import { loadStack } from '../../src/model/load.js';
import { otelEnvironment, resourceAttributes } from '../../src/render/otel-env.js';
import { captureIo, stackYaml, testdir } from '../helpers/testdir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(options: Partial<EnvOptions> & { stack: string }, cwd = ROOT) {
  const io = captureIo();
  await env({ cwd, io, from: 'network', format: 'dotenv', ...options });
  return io.stdout.join('\n');
}

describe('stackgen env', () => {
  it('prints an app its endpoint by the collector service name, protocol, service name and attributes', async () => {
    expect(await run({ stack: 'test/fixtures/stacks/shop.yaml', app: 'web' })).toBe(
      [
        'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317',
        'OTEL_EXPORTER_OTLP_PROTOCOL=grpc',
        'OTEL_SERVICE_NAME=shop-web',
        'OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=dev,team=checkout%2C%20payments',
        'OTEL_TRACES_EXPORTER=otlp',
        'OTEL_METRICS_EXPORTER=otlp',
        'OTEL_LOGS_EXPORTER=otlp',
      ].join('\n'),
    );
  });

  it('gives the published port from the host, with the port that matches the protocol', async () => {
    const cwd = await testdir({
      'stacks/demo.yaml': stackYaml(
        'exposure:\n  bindAddress: 0.0.0.0\n  ports:\n    collector: { otlpGrpc: 14317, otlpHttp: 14318 }\n',
      ),
    });
    const http = await run({ stack: 'demo', from: 'host', format: 'json' }, cwd);
    expect(JSON.parse(http)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'none',
    });
    const grpc = await run({ stack: 'demo', from: 'host', protocol: 'grpc', format: 'shell' }, cwd);
    expect(grpc.split('\n').slice(0, 2)).toEqual([
      'export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14317',
      'export OTEL_EXPORTER_OTLP_PROTOCOL=grpc',
    ]);
  });

  it('with TLS on, speaks https and names the CA: mounted in the container, or the file on this machine', async () => {
    const fromNetwork = await run({ stack: 'test/fixtures/stacks/tempo-tls.yaml', app: 'web' });
    expect(fromNetwork).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=https://otel-collector:4317\n');
    expect(fromNetwork).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE=/etc/stackgen/ca.crt\n');
    const fromHost = await run({
      stack: 'test/fixtures/stacks/tempo-tls.yaml',
      from: 'host',
      format: 'json',
    });
    expect(JSON.parse(fromHost)).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_CERTIFICATE: path.join(ROOT, 'deploy/secure/tls/ca.crt'),
    });
  });

  it('refuses --from host when the port is not published, and unknown apps with a suggestion', async () => {
    const cwd = await testdir({
      'stacks/demo.yaml': stackYaml(
        'apps:\n  - { service: web, composeFile: compose.yaml }\nexposure:\n  ports:\n    collector: { otlpHttp: false }\n',
      ),
    });
    await expect(run({ stack: 'demo', from: 'host' }, cwd)).rejects.toThrow(
      new UsageError(
        'OTLP over http is not published to the host in the demo stack (stacks/demo.yaml: exposure.ports.collector.otlpHttp is false); use --from network, or publish the port and run "stackgen generate"',
      ),
    );
    await expect(run({ stack: 'demo', app: 'wbe' }, cwd)).rejects.toThrow(
      new UsageError('no app "wbe" in the demo stack (apps: web) (did you mean "web"?)'),
    );
  });
});

describe('env formats', () => {
  const hostile: [string, string][] = [['OTEL_SERVICE_NAME', `it's "$(rm -rf /)" #x`]];

  it('quotes for POSIX shells so that nothing in a value runs', () => {
    expect(format(hostile, 'shell')).toBe(`export OTEL_SERVICE_NAME='it'\\''s "$(rm -rf /)" #x'`);
    expect(format([['A', 'plain-value_1.2:3']], 'shell')).toBe('export A=plain-value_1.2:3');
  });

  it('writes dotenv values plain or single-quoted, and refuses what dotenv readers disagree on', () => {
    expect(format([['A', 'x y #z']], 'dotenv')).toBe(`A='x y #z'`);
    expect(() => format(hostile, 'dotenv')).toThrow(UsageError);
    expect(() => format([['A', 'two\nlines']], 'dotenv')).toThrow(/use --format json or --format shell/);
    expect(JSON.parse(format(hostile, 'json'))).toEqual(Object.fromEntries(hostile));
  });

  it('percent-encodes resource attribute values, so a comma or = cannot split them', () => {
    expect(
      resourceAttributes([
        ['team', 'a,b=c d'],
        ['note', "it's 100%!"],
      ]),
    ).toBe('team=a%2Cb%3Dc%20d,note=it%27s%20100%25%21');
  });

  it('turns off the exporters of signals the stack does not take', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml('collector:\n  signals: [traces]\n') });
    const { stack } = await loadStack(cwd, 'stacks/demo.yaml');
    expect(otelEnvironment(stack, { from: 'network', protocol: 'http' }).slice(-3)).toEqual([
      ['OTEL_TRACES_EXPORTER', 'otlp'],
      ['OTEL_METRICS_EXPORTER', 'none'],
      ['OTEL_LOGS_EXPORTER', 'none'],
    ]);
  });
});
