/** Grafana, with its datasources and dashboards provisioned. */
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';
import type { ComponentFacts } from '../facts.js';

/** The built-in dashboards: `red` (rate, errors, duration per service) and `collector` (pipeline health). */
export const DASHBOARDS = ['red', 'collector'] as const;
export type Dashboard = (typeof DASHBOARDS)[number];

/** Its section of the stack file, `grafana:`. */
const settings = ({ z, memoryLimitMiB, relativePath }: SchemaKit) =>
  z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .describe('Run Grafana. Default: true; false with SigNoz, which has its own UI.'),
      memoryLimitMiB: memoryLimitMiB(512),
      dashboards: z
        .array(z.enum(DASHBOARDS))
        .optional()
        .describe(
          'Built-in dashboards: `red` (rate, errors, duration per service), `collector` (pipeline health). Default: both; with SigNoz, collector only.',
        ),
      extraDashboards: z
        .array(
          z.union(
            [
              relativePath,
              z.strictObject({
                path: relativePath.describe('A dashboard JSON file, or a folder of them (its *.json files).'),
                folder: z
                  .string()
                  .min(1)
                  .max(100)
                  .regex(/^[^/\\]+$/, { message: 'expected a folder name without "/"' })
                  .optional()
                  .describe('Grafana folder to show them in. Default: the stack name.'),
              }),
            ],
            { error: 'expected a path, or { path, folder }' },
          ),
        )
        .default([])
        .describe(
          'Your own dashboards: JSON files (as Grafana exports them) or folders of them, relative to the project root. stackgen mounts and checks them (JSON, uid, datasources) but never writes them; Grafana shows them in their own folder and reloads them as they change.',
        ),
      adminUser: z
        .string()
        .regex(/^[A-Za-z0-9_.@-]+$/, { message: 'expected letters, digits and "_.@-"' })
        .max(64)
        .default('admin')
        .describe(
          "Admin login. The password is generated into the stack's .env, never into committed files.",
        ),
    })
    .prefault({})
    .describe('Grafana with provisioned datasources and dashboards.');

export type GrafanaSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'grafana',
  title: 'Grafana',
  settings,
  image: { repository: 'grafana/grafana', version: '13.2.0' },
  serviceName: 'grafana',
  ports: { grafana: 3000 },
  hostPorts: { defaults: { ui: 3000 }, description: 'Grafana (3000).' },
} as const satisfies ComponentFacts<GrafanaSettings>;
