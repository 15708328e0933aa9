/**
 * A stack's data volumes and the .env they were made with belong together: Grafana keeps the admin
 * password of its first start, PostgreSQL the password it was initialised with. A .env deleted and made
 * anew (new random secrets) while the volumes stay would lock both out, without a word. So .env carries an
 * id (STACKGEN_ENV_ID, not a secret), and a small volume of stackgen's own, labelled with that id, marks
 * which .env the data belongs to. `up` refuses a .env of another id, with a deliberate way out.
 */
import { backendOf } from '../backends/index.js';
import { projectVolumes, removeVolume, replaceVolume } from '../docker/engine.js';
import type { ComposeProject } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import { SERVICE_NAMES } from '../model/normalize.js';
import { envFilePath, readSecrets } from '../output/secrets.js';
import { STACKGEN_ENV_ID } from '../render/secret-names.js';

const LABEL = 'dev.stackgen.env-id';

/** The marker volume of a project. */
export function envMarker(project: string): string {
  return `${project}_stackgen-env`;
}

async function mark(project: string, id: string): Promise<void> {
  await replaceVolume(envMarker(project), { [LABEL]: id, 'com.docker.compose.project': project });
}

/**
 * Checks the .env against the data volumes. Returns "new-secrets" when they differ and the user asked to
 * keep the data with the new secrets (`up --new-secrets`); throws when they differ otherwise.
 */
export async function checkEnvAgainstData(
  compose: ComposeProject,
  newSecrets: boolean,
): Promise<'same' | 'new-secrets'> {
  const { stack, root } = compose;
  const id = (await readSecrets(root, stack))[STACKGEN_ENV_ID];
  if (!id) return 'same';
  // One listing: the data volumes, and the marker with the id it carries.
  const volumes = await projectVolumes(stack.name, LABEL);
  const data = volumes.map((v) => v.name).filter((name) => name !== envMarker(stack.name));
  const markedId = volumes.find((v) => v.name === envMarker(stack.name))?.value || undefined;
  // No data yet, or data from before stackgen marked it: this .env is the one from now on.
  if (data.length === 0 || markedId === undefined) {
    if (markedId !== id) await mark(stack.name, id);
    return 'same';
  }
  if (markedId === id) return 'same';
  if (newSecrets) return 'new-secrets';
  const backend = await backendOf(stack.backend).runtime?.();
  const holders = [
    ...(stack.components.includes('grafana') ? ["Grafana's admin password"] : []),
    ...(backend?.passwordsInData?.(stack) ?? []),
  ];
  throw new OperationError(
    [
      `${envFilePath(stack)} is not the .env the data of ${stack.name} was made with (${data.join(', ')}): it was deleted or replaced, and its secrets are new${holders.length ? `, so ${holders.join(' and ')} in that data no longer ${holders.length === 1 ? 'matches' : 'match'}` : ''}.`,
      'Either put the earlier .env back;',
      `or start over without the data: "stackgen down ${stack.name} --volumes --yes";`,
      `or keep the data and take the new secrets: "stackgen up ${stack.name} --new-secrets" (sets ${holders.join(' and ') || 'the stored passwords'} to those of the new .env).`,
    ].join('\n'),
  );
}

/** Before `up --new-secrets` starts the stack: the backend's data takes its new passwords (SigNoz's PostgreSQL). */
export async function adoptNewSecretsBefore(compose: ComposeProject): Promise<void> {
  const backend = await backendOf(compose.stack.backend).runtime?.();
  await backend?.adoptNewSecrets?.(compose);
}

/** After `up --new-secrets`: Grafana's admin takes the new password; the data is marked with this .env. */
export async function adoptNewSecretsAfter(compose: ComposeProject): Promise<void> {
  const { stack } = compose;
  const secrets = await readSecrets(compose.root, stack);
  if (stack.components.includes('grafana')) {
    const reset = await compose.run([
      'exec',
      '-T',
      SERVICE_NAMES.grafana,
      'grafana',
      'cli',
      'admin',
      'reset-admin-password',
      secrets.GRAFANA_ADMIN_PASSWORD!,
    ]);
    if (reset.exitCode !== 0)
      throw new OperationError(
        `could not set Grafana's admin password to the new one: ${String(reset.stderr).trim()}`,
      );
  }
  await mark(stack.name, secrets[STACKGEN_ENV_ID]!);
}

/** `down --volumes`: the marker goes with the data. */
export async function removeEnvMarker(project: string): Promise<void> {
  await removeVolume(envMarker(project));
}
