/**
 * The stack-health alerts, judged by Prometheus' own rule engine: `promtool test rules` feeds series
 * through the rendered rule file and compares which alerts fire, with their labels and texts.
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fileOf, planOf } from '../helpers/plan.js';
import { ROOT } from '../helpers/golden.js';
import { testdir } from '../helpers/testdir.js';

const collector = 'job="otel-collector", instance="otel-collector:8888"';

async function promtoolTest(rules: string, tests: unknown[]) {
  const dir = await testdir();
  await writeFile(path.join(dir, 'rules.yml'), rules);
  await writeFile(
    path.join(dir, 'test.yml'),
    stringify({ rule_files: ['rules.yml'], evaluation_interval: '15s', tests }),
  );
  return execa('promtool', ['test', 'rules', 'test.yml'], { cwd: dir, reject: false });
}

describe('the alerts on the stack itself (Jaeger preset)', async () => {
  const plan = await planOf(await readFile(path.join(ROOT, 'stacks/jaeger.yaml'), 'utf8'));
  const rules = fileOf(plan, 'prometheus/rules/stack-health.yml');

  it('pass promtool check rules', async () => {
    const dir = await testdir({ 'rules.yml': rules });
    const { stdout } = await execa('promtool', ['check', 'rules', path.join(dir, 'rules.yml')]);
    expect(stdout).toContain('SUCCESS: 6 rules found');
  });

  it('fire on a broken pipeline, whichever metric names the collector version uses', async () => {
    const result = await promtoolTest(rules, [
      {
        interval: '15s',
        input_series: [
          { series: `up{${collector}}`, values: '1x10 0x40' },
          // Suffixed names (older collectors) and plain ones (0.152+).
          {
            series: `otelcol_receiver_refused_spans_total{${collector}, receiver="otlp"}`,
            values: '0+10x50',
          },
          {
            series: `otelcol_exporter_send_failed_spans{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '0+5x50',
          },
          {
            series: `otelcol_exporter_queue_size{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '900x50',
          },
          {
            series: `otelcol_exporter_queue_capacity{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '1000x50',
          },
          { series: `otelcol_process_memory_rss_bytes{${collector}}`, values: '500000000x50' },
          { series: 'up{job="jaeger", instance="jaeger:8888"}', values: '0x50' },
          { series: 'up{job="grafana", instance="grafana:3000"}', values: '1x50' },
          // Jaeger's own otelcol_* metrics must not count.
          { series: 'otelcol_exporter_send_failed_spans{job="jaeger", exporter="x"}', values: '0+5x50' },
        ],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'CollectorDown',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', job: 'otel-collector', instance: 'otel-collector:8888' },
                exp_annotations: {
                  summary: 'The OpenTelemetry collector does not answer',
                  description:
                    'Prometheus cannot scrape the collector: nothing your apps send arrives. See "stackgen status jaeger" and "stackgen logs jaeger otel-collector".',
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'CollectorRefusingData',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', receiver: 'otlp' },
                exp_annotations: {
                  summary: 'The collector refuses data (otlp)',
                  description:
                    'memory_limiter pushes back, so senders retry or drop: give the collector more memory (collector.memoryLimitMiB) or find what slows its exporters.',
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'CollectorExportFailing',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', exporter: 'otlp_grpc/jaeger' },
                exp_annotations: {
                  summary: 'The collector fails to send data (otlp_grpc/jaeger)',
                  description:
                    'Data is being lost: the exporter otlp_grpc/jaeger cannot reach its backend. Is the backend up? See "stackgen logs jaeger otel-collector".',
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'CollectorQueueNearlyFull',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', exporter: 'otlp_grpc/jaeger' },
                exp_annotations: {
                  summary: 'The send queue of otlp_grpc/jaeger is over 80% full',
                  description:
                    'The backend takes data slower than it arrives; when the queue is full, data is dropped.',
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'CollectorMemoryNearLimit',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning' },
                exp_annotations: {
                  summary: 'The collector uses over 90% of its memory limit',
                  description:
                    "The container's limit is 512 MiB (collector.memoryLimitMiB); near it memory_limiter refuses data, at it the container is killed.",
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'StackServiceDown',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', job: 'jaeger', instance: 'jaeger:8888' },
                exp_annotations: {
                  summary: 'jaeger does not answer',
                  description:
                    'Prometheus cannot scrape jaeger of the jaeger stack. See "stackgen status jaeger".',
                },
              },
            ],
          },
        ],
      },
    ]);
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  it('stay quiet on a healthy pipeline, and wait their "for" before firing', async () => {
    const quiet = (alertname: string, eval_time = '10m') => ({ eval_time, alertname, exp_alerts: [] });
    const result = await promtoolTest(rules, [
      {
        interval: '15s',
        input_series: [
          { series: `up{${collector}}`, values: '1x50' },
          { series: `otelcol_receiver_refused_spans{${collector}, receiver="otlp"}`, values: '0x50' },
          {
            series: `otelcol_exporter_send_failed_spans{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '0x50',
          },
          {
            series: `otelcol_exporter_queue_size{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '10x50',
          },
          {
            series: `otelcol_exporter_queue_capacity{${collector}, exporter="otlp_grpc/jaeger"}`,
            values: '1000x50',
          },
          { series: `otelcol_process_memory_rss{${collector}}`, values: '100000000x50' },
          { series: 'up{job="jaeger", instance="jaeger:8888"}', values: '1x10 0x40' },
        ],
        alert_rule_test: [
          ...[
            'CollectorDown',
            'CollectorRefusingData',
            'CollectorExportFailing',
            'CollectorQueueNearlyFull',
          ].map((a) => quiet(a)),
          quiet('CollectorMemoryNearLimit'),
          // Down since 2m30s: not yet the 5 minutes StackServiceDown waits.
          quiet('StackServiceDown', '4m'),
        ],
      },
    ]);
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
