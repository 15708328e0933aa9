import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectorConfigProblems } from '../../src/check/collector.js';

const valid = () =>
  parse(`
extensions: { health_check: { endpoint: 0.0.0.0:13133 } }
receivers: { otlp: { protocols: { grpc: { endpoint: 0.0.0.0:4317 }, http: { endpoint: 0.0.0.0:4318 } } } }
processors: { memory_limiter: { check_interval: 1s, limit_mib: 400 }, batch: {} }
connectors: { span_metrics: {} }
exporters: { otlp_grpc/jaeger: { endpoint: jaeger:4317 }, prometheus: { endpoint: 0.0.0.0:8889 } }
service:
  extensions: [health_check]
  telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: 0.0.0.0, port: 8888 } } } }] } }
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlp_grpc/jaeger, span_metrics] }
    metrics: { receivers: [span_metrics], processors: [batch], exporters: [prometheus] }
`) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('collector config consistency', () => {
  it('accepts a consistent config', () => {
    expect(collectorConfigProblems(valid())).toEqual([]);
  });

  it('finds a pipeline component that is not declared', () => {
    const config = valid();
    config.service.pipelines.traces.exporters.push('otlp/tempo');
    expect(collectorConfigProblems(config)).toEqual([
      'service.pipelines.traces.exporters: "otlp/tempo" is not declared under exporters or connectors',
    ]);
  });

  it('finds declared components no pipeline uses', () => {
    const config = valid();
    config.exporters.debug = {};
    config.extensions.pprof = {};
    expect(collectorConfigProblems(config)).toEqual([
      'exporters.debug: declared but used by no pipeline',
      'extensions.pprof: declared but not in service.extensions',
    ]);
  });

  it('finds a connector used on one side only', () => {
    const config = valid();
    config.service.pipelines.metrics.receivers = ['otlp'];
    expect(collectorConfigProblems(config)).toContain(
      'connectors.span_metrics: must be an exporter of one pipeline and a receiver of another',
    );
  });

  it('finds receivers and extensions bound to localhost inside the container', () => {
    const config = valid();
    config.receivers.otlp.protocols.grpc.endpoint = 'localhost:4317';
    config.extensions.health_check.endpoint = '127.0.0.1:13133';
    config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.host = 'localhost';
    expect(collectorConfigProblems(config)).toEqual([
      'receivers.otlp.protocols.grpc.endpoint: "localhost:4317" is not reachable from other containers; bind 0.0.0.0',
      'extensions.health_check.endpoint: "127.0.0.1:13133" is not reachable from other containers; bind 0.0.0.0',
      'service.telemetry.metrics.readers[0]: host "localhost" is unreachable for Prometheus; use 0.0.0.0',
    ]);
  });

  it('ignores client endpoints given as URLs', () => {
    const config = valid();
    config.extensions.health_check.backend = { endpoint: 'http://prometheus:9090' };
    expect(collectorConfigProblems(config)).toEqual([]);
  });

  it('wants memory_limiter first and every pipeline with receivers and exporters', () => {
    const config = valid();
    config.service.pipelines.traces.processors = ['batch', 'memory_limiter'];
    config.service.pipelines['logs/x'] = { receivers: [], exporters: [] };
    expect(collectorConfigProblems(config)).toEqual([
      'service.pipelines.traces.processors: memory_limiter must come first',
      'service.pipelines.logs/x.receivers: empty',
      'service.pipelines.logs/x.exporters: empty',
    ]);
  });
});
