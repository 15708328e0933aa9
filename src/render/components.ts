/**
 * The parts of a generated stack, in the order compose.yaml lists their services. Each is described in one
 * place, its folder src/components/<name>/ (a trace backend's src/backends/<name>/), whose `render.ts` holds
 * its view (what its templates print) and its entry (when it runs, the files it renders with what the
 * stack's README says of them, its named volumes, its compose services, its endpoints). renderStack, the
 * README, `up`, `status` and `down` loop over this list (a backend's line is in src/backends/index.ts).
 */
import type { Stack } from '../model/normalize.js';
import { yaml, type Component, type ComponentFile, type EndpointContext } from './component.js';
import { hostForUrls, type Endpoint } from './endpoints.js';
import type { BaseView } from './view.js';
import { BACKEND_LIST } from '../backends/index.js';
import { APPS } from '../components/apps/render.js';
import { COLLECTOR } from '../components/collector/render.js';
import { GRAFANA } from '../components/grafana/render.js';
import { LOKI } from '../components/loki/render.js';
import { PROMETHEUS } from '../components/prometheus/render.js';
import { swarmStackFile } from './swarm.js';

export type { ComponentFile, EndpointContext };

export const COMPONENTS: Component[] = [
  {
    name: 'compose',
    runs: () => true,
    files: ({ stack }) => [
      yaml(
        'compose.yaml',
        'compose/compose.yaml',
        'The Docker Compose project: services, networks, volumes.',
      ),
      {
        path: '.env.example',
        template: 'compose/env.example',
        format: 'dotenv',
        readme: { description: 'Names of the secrets compose.yaml reads from .env (git-ignored).' },
      },
      { path: 'README.md', template: 'readme/README.md', format: 'markdown' },
      ...(stack.target === 'swarm'
        ? [
            {
              path: 'swarm.yaml',
              template: '',
              format: 'yaml' as const,
              derive: (files: ReadonlyMap<string, string>) => swarmStackFile(stack, files),
              readme: {
                description:
                  'The same services on a Docker Swarm (docker stack deploy): configs and secrets, overlay networks, placement.',
              },
            },
          ]
        : []),
    ],
    volumes: () => [],
  },
  COLLECTOR,
  ...BACKEND_LIST.map((b) => b.render.component),
  LOKI,
  PROMETHEUS,
  GRAFANA,
  APPS,
];

function running(stack: Stack): Component[] {
  return COMPONENTS.filter((c) => c.runs(stack));
}

/** Every file the stack renders, in component order. */
export function componentFiles(view: BaseView): ComponentFile[] {
  return running(view.stack).flatMap((c) => c.files(view));
}

/** The templates of the stack's compose services, in order. */
export function serviceTemplates(view: BaseView): string[] {
  return running(view.stack).flatMap((c) => c.serviceTemplates?.(view) ?? []);
}

/** What each service of the stack does, by service name. */
export function serviceRoles(view: BaseView): Record<string, string> {
  return Object.assign({}, ...running(view.stack).map((c) => c.roles?.(view) ?? {})) as Record<
    string,
    string
  >;
}

/** Every endpoint of the stack, in component order. */
export function stackEndpoints(stack: Stack): Endpoint[] {
  // On a Swarm, ports are published on the nodes, if at all (swarm.publish).
  const swarm = stack.target === 'swarm';
  const host = swarm ? '<node>' : hostForUrls(stack.exposure.bindAddress);
  const at: EndpointContext = {
    url: (port, path = '', scheme = 'http://') =>
      port === false || (swarm && stack.swarm.publish === 'none')
        ? undefined
        : `${scheme}${host}:${port}${path}`,
    secure: stack.tls.enabled ? 'https://' : 'http://',
  };
  return running(stack).flatMap((c) => c.endpoints?.(stack, at) ?? []);
}

/** The stack's named volumes, without the project prefix. */
export function stackVolumes(stack: Stack): string[] {
  return running(stack).flatMap((c) => c.volumes(stack));
}
