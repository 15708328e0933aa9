/**
 * SigNoz finds its organisation by the id in .env (SIGNOZ_ORG_ID), so a renamed organisation stays the
 * same one. A .env older than that key has no id: SigNoz then finds the organisation by name, and a rename
 * would make a second one (after which SigNoz's OpAMP server refuses every collector that connects). After
 * `up`, stackgen asks SigNoz for the id of the organisation it made and keeps it in .env.
 */
import type { ComposeProject } from '../../docker/compose.js';
import { OperationError } from '../../errors.js';
import { folderLock, withLock } from '../../lock.js';
import { applyChanges } from '../../output/atomic.js';
import { envAppendChange, envFilePath, readSecrets } from '../../output/secrets.js';
import type { AfterUp, BackendRuntime } from '../backend.js';
import { FACTS } from './facts.js';
import { SIGNOZ_ORG_ID, SIGNOZ_ORG_ID_DESCRIPTION } from './secrets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pinOrganisation: AfterUp = async ({ root, stack, io, hostOf }) => {
  if ((await readSecrets(root, stack))[SIGNOZ_ORG_ID]) return;
  const env = envFilePath(stack);
  const warn = (why: string) =>
    io.err(
      `warning: ${env} has no ${SIGNOZ_ORG_ID} (it predates it) and ${why}; until it has, do not rename signoz.admin.organization: SigNoz would make a second organisation and then refuse its collector`,
    );
  const port = stack.exposure.ports.signoz.ui;
  if (port === false) return warn('SigNoz is not published to ask it (exposure.ports.signoz.ui is false)');
  const host = await hostOf(FACTS.serviceNames.signoz);
  if (host === false) return warn('SigNoz is not published to ask it (swarm.publish is none)');
  const email = stack.signoz.admin.email;
  const url = `http://${host}:${port}/api/v2/sessions/context?email=${encodeURIComponent(email)}`;
  const orgs = await fetch(url, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json() as Promise<{ data?: { orgs?: { id?: string; name?: string }[] } }>)
    .then((body) => body.data?.orgs ?? [])
    .catch(() => undefined);
  if (!orgs) return warn(`SigNoz did not say which organisation ${email} is in (${url})`);
  if (orgs.length !== 1 || !UUID.test(orgs[0]!.id ?? '')) {
    return warn(
      `SigNoz knows ${orgs.length} organisations of ${email} (${url}), so stackgen cannot tell which to keep`,
    );
  }
  const id = orgs[0]!.id!;
  await withLock(folderLock(root), 'up', async () =>
    applyChanges(root, [
      await envAppendChange(root, stack, {
        name: SIGNOZ_ORG_ID,
        value: id,
        description: SIGNOZ_ORG_ID_DESCRIPTION,
      }),
    ]),
  );
  io.err(
    `${env}: kept the id of SigNoz's organisation "${orgs[0]!.name ?? stack.signoz.admin.organization}" (${SIGNOZ_ORG_ID}=${id}), so renaming it no longer makes a second one; the next "stackgen up" hands it to SigNoz`,
  );
};

/** PostgreSQL keeps the password of its first start: `up --new-secrets` hands it the new one first. */
async function adoptNewSecrets(compose: ComposeProject): Promise<void> {
  const { stack } = compose;
  if (stack.signoz.metastore !== 'postgres') return;
  const secrets = await readSecrets(compose.root, stack);
  const postgres = FACTS.serviceNames.postgres;
  await compose.run(['up', '--detach', '--wait', postgres]);
  const altered = await compose.run([
    'exec',
    '-T',
    postgres,
    'psql',
    '-U',
    'signoz',
    '-d',
    'signoz',
    '-c',
    `ALTER USER signoz PASSWORD '${secrets.SIGNOZ_POSTGRES_PASSWORD}'`,
  ]);
  if (altered.exitCode !== 0)
    throw new OperationError(
      `could not set PostgreSQL's password to the new one: ${String(altered.stderr).trim()}`,
    );
}

export const RUNTIME: BackendRuntime = {
  afterUp: pinOrganisation,
  passwordsInData: (stack) => (stack.signoz.metastore === 'postgres' ? ["PostgreSQL's password"] : []),
  adoptNewSecrets,
};
