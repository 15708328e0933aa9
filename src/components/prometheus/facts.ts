/** Prometheus: span metrics, the collector's own, the backend's and the stack file's scrape jobs. */
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';
import type { ComponentFacts } from '../facts.js';

/** A scrape job of the stack file's own (`prometheus.scrapeJobs`). */
const scrapeJob = ({ z, serviceName, port, promDuration }: SchemaKit) =>
  z.strictObject({
    name: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, { message: 'expected letters, digits, "_" and "-"' })
      .max(63)
      .describe('Prometheus job name.'),
    app: serviceName.optional().describe('An app from `apps` to scrape by its service name (needs `port`).'),
    port: port.optional().describe('Metrics port of `app`.'),
    targets: z
      .array(
        z
          .string()
          .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*:[0-9]{1,5}$/, { message: 'expected host:port, e.g. web:9464' }),
      )
      .optional()
      .describe('Explicit host:port targets reachable from the observability network.'),
    metricsPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, { message: 'expected an URL path such as /metrics' })
      .default('/metrics')
      .describe('URL path of the metrics.'),
    scrapeInterval: promDuration.optional().describe('Overrides `prometheus.scrapeInterval` for this job.'),
  });

/** Its section of the stack file, `prometheus:`. */
const settings = (kit: SchemaKit) => {
  const { z, memoryLimitMiB, promDuration, relativePath } = kit;
  return z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .describe('Run Prometheus. Default: true; false with SigNoz, which has its own UI.'),
      memoryLimitMiB: memoryLimitMiB(1024),
      retention: promDuration.default('15d').describe('How long Prometheus keeps samples.'),
      scrapeInterval: promDuration.default('15s').describe('How often Prometheus scrapes every target.'),
      scrapeJobs: z
        .array(scrapeJob(kit))
        .default([])
        .describe("Extra scrape jobs, e.g. your apps' own /metrics."),
      ruleFiles: z
        .array(relativePath)
        .default([])
        .describe(
          'Your own Prometheus rule files (recording and alerting rules), or folders of them (their *.yml and *.yaml files), relative to the project root. stackgen mounts and checks them but never writes them; Prometheus loads them beside the stack-health alerts.',
        ),
    })
    .prefault({})
    .describe("Prometheus (v3): span metrics, the collector's own metrics, your scrape jobs.");
};

export type PrometheusSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'prometheus',
  title: 'Prometheus',
  settings,
  image: { repository: 'prom/prometheus', version: 'v3.14.0' },
  serviceName: 'prometheus',
  ports: { prometheus: 9090 },
  hostPorts: { defaults: { ui: 9090 }, description: 'Prometheus UI and API (9090).' },
  datasource: { uid: 'prometheus', name: 'Prometheus', type: 'prometheus' },
} as const satisfies ComponentFacts<PrometheusSettings>;
