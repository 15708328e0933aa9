/**
 * What `verify` asks Grafana, through its published port as the stack's admin user: the health of each
 * datasource it provisions (`GET /api/datasources/uid/<uid>/health`).
 */
import { describeNetworkError, request } from '../../verify/http.js';
import type { LookupContext } from '../../verify/lookup.js';
import { fail, pass, skip, type Outcome } from '../../verify/outcome.js';
import { stackDatasources } from './datasources.js';
import { FACTS } from './facts.js';

export async function datasourcesHealth({
  stack,
  secrets,
  hostOf,
}: Pick<LookupContext, 'stack' | 'secrets' | 'hostOf'>): Promise<Outcome> {
  if (!stack.components.includes('grafana')) return skip('Grafana does not run in this stack');
  const port = stack.exposure.ports.grafana.ui;
  if (port === false)
    return skip('Grafana is not published to this machine (exposure.ports.grafana.ui is false)');
  const password = secrets.GRAFANA_ADMIN_PASSWORD;
  if (!password) {
    return fail(
      `GRAFANA_ADMIN_PASSWORD is missing from ${stack.output}/.env`,
      `run "stackgen generate ${stack.sourceFile}"`,
    );
  }
  const base = `http://${hostOf(FACTS.serviceName)}:${port}`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${stack.grafana.adminUser}:${password}`).toString('base64')}`,
  };
  const expected = stackDatasources(stack).map((d) => d.uid);
  const healthy: string[] = [];
  const problems: string[] = [];
  try {
    for (const uid of expected) {
      const response = await request(`${base}/api/datasources/uid/${uid}/health`, {
        headers,
        timeoutMs: 10000,
      });
      const body = response.json as { status?: string; message?: string } | undefined;
      if (response.status === 401) {
        return fail(
          `Grafana refused the user "${stack.grafana.adminUser}" with the password from .env (401)`,
          'Grafana keeps the admin password of its first start (in its data volume); if .env changed since, ' +
            `reset it: docker compose -f ${stack.output}/compose.yaml exec grafana grafana cli admin reset-admin-password "<GRAFANA_ADMIN_PASSWORD>"`,
        );
      }
      if (response.status === 200 && body?.status === 'OK') healthy.push(uid);
      else if (response.status === 404) problems.push(`${uid}: not provisioned`);
      else problems.push(`${uid}: ${body?.message ?? `answered ${response.status}`}`);
    }
  } catch (error) {
    return fail(
      `Grafana does not answer at ${base}: ${describeNetworkError(error)}`,
      `"stackgen status ${stack.name}"`,
    );
  }
  if (problems.length) {
    return fail(
      `datasources not healthy: ${problems.join('; ')}`,
      `"stackgen logs ${stack.name} grafana" shows provisioning errors; ${stack.output}/grafana/provisioning holds the datasources`,
    );
  }
  return pass(healthy.length ? `healthy: ${healthy.join(', ')}` : 'no datasources to check');
}
