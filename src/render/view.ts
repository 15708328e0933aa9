/**
 * The view: everything templates print, computed once from the Stack. Decisions (which pipelines,
 * which ports, which volumes) are made in code, in each component's `render.ts` (src/components/<name>/,
 * src/backends/<name>/); templates only lay them out.
 */
import path from 'node:path';
import { INTERNAL_PORTS } from '../model/ports.js';
import type { Stack } from '../model/normalize.js';
import { BACKEND_LIST, backendOf } from '../backends/index.js';
import { appsView } from '../components/apps/render.js';
import { collectorView } from '../components/collector/render.js';
import { stackVolumes } from './components.js';
import { featuresOf, type Features } from './features.js';
import type { PortView } from './common.js';
import { grafanaView } from '../components/grafana/render.js';
import { lokiView } from '../components/loki/render.js';
import { prometheusView } from '../components/prometheus/render.js';
import { STACKGEN_ENV_ID, type Secret } from './secret-names.js';

export type { PortView };

export function buildView(stack: Stack) {
  const has = featuresOf(stack);
  const loki = lokiView(stack);
  return {
    stack,
    has,
    secrets: secretsOf(stack, has),
    networks: stack.networks,
    volumes: stackVolumes(stack),
    collector: collectorView(stack, has),
    // Every backend's, running or not: the others' templates may name its services.
    ...Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b.render.view(stack, has)])),
    loki,
    prometheus: prometheusView(stack, has),
    grafana: grafanaView(stack, has, { loki: loki.url }),
    apps: appsView(stack),
    ports: INTERNAL_PORTS,
    /** Docker's log rotation for every service (json-file options are strings). */
    logging: stack.containerLogs.rotate
      ? { maxSize: `${stack.containerLogs.maxSizeMiB}m`, maxFiles: String(stack.containerLogs.maxFiles) }
      : undefined,
    /** The user's compose files joined to the project (compose's include), relative to the output folder. */
    includes: stack.extensions.includes.map((f) => path.posix.relative(stack.output, f.path)),
  };
}

export type BaseView = ReturnType<typeof buildView>;

/** The secrets compose.yaml reads from .env, created with random values by generate. */
function secretsOf(stack: Stack, has: Features): Secret[] {
  const secrets: Secret[] = [];
  secrets.push(...(backendOf(stack.backend).render.secrets?.(stack) ?? []));
  if (has.grafana) {
    secrets.push({
      name: 'GRAFANA_ADMIN_PASSWORD',
      description: `Password of the Grafana user "${stack.grafana.adminUser}".`,
      kind: 'password',
    });
  }
  if (secrets.length) {
    secrets.push({
      name: STACKGEN_ENV_ID,
      description:
        'Which .env this is (not a secret): "stackgen up" checks the data volumes were made with it, so new secrets never meet old data unnoticed. Never change it.',
      kind: 'id',
    });
  }
  return secrets;
}
