/** Grafana Loki 3, the logs store of the stacks whose backend stores no logs. */
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';
import type { ComponentFacts } from '../facts.js';

/**
 * Resource attributes Loki makes index labels of (one stream per combination): the ones naming where a log
 * comes from. Loki 3.7's own default list (pkg/loghttp/push/otlp_config.go) also holds service.instance.id,
 * k8s.pod.name, k8s.replicaset.name, k8s.job.name and container.name, which change with every process,
 * pod or run: as labels they make a stream each. Left out here, they stay on every record as structured
 * metadata, still searchable.
 */
export const INDEX_LABELS = [
  'service.name',
  'service.namespace',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.container.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
];

/** Its section of the stack file, `loki:`. */
const settings = ({ z, promDuration, promDurationMs, memoryLimitMiB, backendTitles }: SchemaKit) =>
  z
    .strictObject({
      enabled: z
        .boolean()
        .default(false)
        .describe(
          `Run Grafana Loki and send it the logs your apps export (${backendTitles((b) => !b.storesLogs)} stacks; ${backendTitles((b) => Boolean(b.storesLogs))} stores logs itself). Turns the collector's logs pipeline on, and adds Loki to Grafana with links between traces and logs.`,
        ),
      retention: promDuration
        .refine((d) => promDurationMs(d) >= 864e5 && promDurationMs(d) % 864e5 === 0, {
          message: "expected whole days (24h, 7d, 2w): Loki's index has a table per day",
        })
        .default('168h')
        .describe('How long Loki keeps logs (deleted by its compactor), in whole days: 24h, 7d, 2w.'),
      memoryLimitMiB: memoryLimitMiB(1024),
      indexLabels: z
        .array(
          z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/, {
            message: 'expected a resource attribute key such as service.name',
          }),
        )
        .min(1)
        .default(INDEX_LABELS)
        .describe(
          'Resource attributes Loki turns into labels (dots become underscores: service_name). The others, and the trace and span ids, are kept on each record as structured metadata. Default: where a log comes from (service, environment, region, Kubernetes workload), nothing that changes with every process.',
        ),
    })
    .prefault({})
    .describe(`Grafana Loki, the logs store of the ${backendTitles((b) => !b.storesLogs)} stacks.`);

export type LokiSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'loki',
  title: 'Loki',
  settings,
  image: { repository: 'grafana/loki', version: '3.7.6' },
  serviceName: 'loki',
  ports: { lokiHttp: 3100, lokiGrpc: 9095 },
  hostPorts: { defaults: { api: 3100 }, description: 'Loki push and query API (3100).' },
  datasource: { uid: 'loki', name: 'Loki', type: 'loki' },
} as const satisfies ComponentFacts<LokiSettings>;
