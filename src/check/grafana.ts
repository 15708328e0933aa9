/**
 * Grafana provisioning in the shape Grafana expects: `apiVersion: 1` (else the file is read in the old
 * format and most keys are ignored), fixed unique datasource uids, one default, and every uid that a link
 * or a dashboard names provisioned.
 */

interface Datasource {
  name?: string;
  type?: string;
  uid?: string;
  url?: string;
  isDefault?: boolean;
  jsonData?: {
    exemplarTraceIdDestinations?: { datasourceUid?: string }[];
    tracesToMetrics?: { datasourceUid?: string };
    serviceMap?: { datasourceUid?: string };
    tracesToLogsV2?: { datasourceUid?: string };
  };
}

export function datasourceProblems(file: { apiVersion?: unknown; datasources?: Datasource[] }): string[] {
  const problems: string[] = [];
  if (file.apiVersion !== 1) problems.push('apiVersion: must be 1');
  const datasources = file.datasources ?? [];
  if (!Array.isArray(datasources) || datasources.length === 0) return [...problems, 'datasources: none'];
  const uids = datasources.map((d) => d.uid);
  datasources.forEach((d, i) => {
    for (const key of ['name', 'type', 'uid', 'url'] as const) {
      if (typeof d[key] !== 'string' || d[key] === '') problems.push(`datasources[${i}].${key}: missing`);
    }
    if (uids.indexOf(d.uid) !== i) problems.push(`datasources[${i}].uid: "${d.uid}" is used twice`);
    const links = [
      ...(d.jsonData?.exemplarTraceIdDestinations ?? []).map((x) => x.datasourceUid),
      d.jsonData?.tracesToMetrics?.datasourceUid,
      d.jsonData?.serviceMap?.datasourceUid,
      d.jsonData?.tracesToLogsV2?.datasourceUid,
    ];
    for (const uid of links) {
      if (uid !== undefined && !uids.includes(uid))
        problems.push(`datasources[${i}].jsonData: links to missing uid "${uid}"`);
    }
  });
  if (datasources.filter((d) => d.isDefault).length > 1)
    problems.push('datasources: more than one isDefault');
  return problems;
}

export function dashboardProviderProblems(file: {
  apiVersion?: unknown;
  providers?: { name?: string; type?: string; options?: { path?: string } }[];
}): string[] {
  const problems: string[] = [];
  if (file.apiVersion !== 1) problems.push('apiVersion: must be 1');
  const providers = file.providers ?? [];
  if (providers.length === 0) problems.push('providers: none');
  providers.forEach((p, i) => {
    if (!p.name) problems.push(`providers[${i}].name: missing`);
    if (p.type !== 'file') problems.push(`providers[${i}].type: must be file`);
    if (!p.options?.path) problems.push(`providers[${i}].options.path: missing`);
  });
  return problems;
}

interface Dashboard {
  uid?: string;
  title?: string;
  panels?: {
    id?: number;
    datasource?: { uid?: string };
    targets?: { refId?: string; datasource?: { uid?: string } }[];
  }[];
  templating?: { list?: { name?: string; datasource?: { uid?: string } }[] };
}

/** `datasourceUids`: the uids provisioned beside the dashboard. */
export function dashboardProblems(dashboard: Dashboard, datasourceUids: string[]): string[] {
  const problems: string[] = [];
  if (!dashboard.uid || dashboard.uid.length > 40) problems.push('uid: missing or longer than 40 characters');
  if (!dashboard.title) problems.push('title: missing');
  const refer = (at: string, uid: string | undefined) => {
    if (uid !== undefined && !datasourceUids.includes(uid))
      problems.push(`${at}: datasource uid "${uid}" is not provisioned`);
  };
  const ids = new Set<number>();
  (dashboard.panels ?? []).forEach((panel, i) => {
    if (panel.id === undefined || ids.has(panel.id)) problems.push(`panels[${i}].id: missing or used twice`);
    ids.add(panel.id ?? -1);
    refer(`panels[${i}].datasource`, panel.datasource?.uid);
    (panel.targets ?? []).forEach((t, j) =>
      refer(`panels[${i}].targets[${j}].datasource`, t.datasource?.uid),
    );
  });
  (dashboard.templating?.list ?? []).forEach((v, i) =>
    refer(`templating.list[${i}].datasource`, v.datasource?.uid),
  );
  return problems;
}
