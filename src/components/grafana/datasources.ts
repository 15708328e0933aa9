/**
 * What Grafana knows the stack by: the datasources it provisions (fixed uids, which dashboards and links
 * name, so they survive regeneration) and the uids of the built-in dashboards. User dashboards are checked
 * against these.
 */
import { createHash } from 'node:crypto';
import { backendOf } from '../../backends/index.js';
import type { Dashboard } from '../../model/constants.js';
import type { Stack } from '../../model/normalize.js';
import { FACTS as LOKI } from '../loki/facts.js';
import { FACTS as PROMETHEUS } from '../prometheus/facts.js';

/**
 * Stable Grafana datasource uids: dashboards and links refer to them, so they survive regeneration. Each
 * is in its part's facts (`datasource`), the backends' too.
 */
export const DATASOURCE_UIDS = { prometheus: PROMETHEUS.datasource.uid, loki: LOKI.datasource.uid } as const;

export interface StackDatasource {
  uid: string;
  name: string;
  type: string;
}

/** The datasources Grafana gets, in provisioning order. */
export function stackDatasources(stack: Stack): StackDatasource[] {
  const traces = tracesDatasource(stack);
  const runs = (role: Stack['components'][number]) => stack.components.includes(role);
  return [
    ...(runs('prometheus') ? [PROMETHEUS.datasource] : []),
    ...(traces ? [traces] : []),
    ...(runs('loki') ? [LOKI.datasource] : []),
  ];
}

/** The datasource of the stack's traces (its backend's, from the backend's facts), when Grafana reads them. */
export function tracesDatasource(stack: Pick<Stack, 'backend'>): StackDatasource | undefined {
  return backendOf(stack.backend).datasource;
}

/**
 * Unique per stack and dashboard, so two stacks can share one Grafana; at most 40 characters, as Grafana
 * requires. A name too long for that keeps its start and a hash of the whole, and the dashboard's id.
 */
export function dashboardUid(stackName: string, id: Dashboard): string {
  const uid = `${stackName}-${id}`;
  if (uid.length <= 40) return uid;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 6);
  return `${stackName.slice(0, 40 - id.length - 8)}-${hash}-${id}`;
}
