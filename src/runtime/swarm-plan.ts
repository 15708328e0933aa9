/**
 * What `up` would do to a stack on a Swarm. Swarm keeps nothing like Compose's hash of what a container was
 * made from, so each deploy leaves a record on the swarm: a Swarm config of stackgen's own (label
 * dev.stackgen.deployed=<stack>, apart from the stack's configs) holding each service's definition as
 * `docker stack config` gave it for that deploy, with the name of each config and secret it uses (the names
 * carry a hash of the content). `plan` compares the definitions it would deploy now with that record.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { compareText } from '../compare.js';
import {
  createLabelledConfig,
  labelledConfigs,
  removeConfigs,
  stackConfig,
  stackServiceNames,
} from '../docker/swarm.js';
import type { ServiceChange } from './service-plan.js';

/** A service's definition as docker stack config gives it, each config and secret with its name. */
export type Definition = Record<string, unknown>;

const RECORD_LABEL = 'dev.stackgen.deployed';

/** The definitions docker stack deploy would read from these files with this environment. */
export async function definitionsToDeploy(options: Parameters<typeof stackConfig>[0]) {
  return definitionsOf(await stackConfig(options));
}

/**
 * Each service of docker stack config's output, with the name of each config and secret it uses. Their
 * files are left out: a secret's is a folder made for one deploy; the name says what the content was.
 */
export function definitionsOf(config: string): Record<string, Definition> {
  const merged = parse(config) as {
    services?: Record<string, Definition>;
    configs?: Record<string, { name?: string }>;
    secrets?: Record<string, { name?: string }>;
  };
  const named = (refs: unknown, objects: Record<string, { name?: string }> = {}) =>
    (refs as { source: string }[]).map((ref) => ({ ...ref, name: objects[ref.source]?.name ?? ref.source }));
  return Object.fromEntries(
    Object.entries(merged.services ?? {}).map(([service, definition]) => [
      service,
      {
        ...definition,
        ...(definition.configs ? { configs: named(definition.configs, merged.configs) } : {}),
        ...(definition.secrets ? { secrets: named(definition.secrets, merged.secrets) } : {}),
      },
    ]),
  );
}

/** Keeps what this deploy handed the swarm, in place of the record of the one before. */
export async function recordDeployment(stack: string, definitions: Record<string, Definition>) {
  const data = JSON.stringify({ services: definitions });
  const name = recordName(stack, data);
  await createLabelledConfig(name, RECORD_LABEL, stack, data);
  const older = (await labelledConfigs(RECORD_LABEL, stack)).filter((c) => c.name !== name);
  await removeConfigs(older.map((c) => c.name));
}

/** Named by its content, within the 63 characters Swarm allows an object's name (the label names the stack). */
export function recordName(stack: string, data: string): string {
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 12);
  return `${`${stack}_stackgen-deployed`.slice(0, 63 - 1 - hash.length)}_${hash}`;
}

/** The definitions of the stack's last deploy by stackgen, if the swarm has a record of it. */
export async function lastDeployment(stack: string): Promise<Record<string, Definition> | undefined> {
  // One, unless a deploy was interrupted between making the new record and removing the old.
  const [newest] = (await labelledConfigs(RECORD_LABEL, stack)).sort((a, b) =>
    compareText(b.created, a.created),
  );
  return newest ? (JSON.parse(newest.data) as { services: Record<string, Definition> }).services : undefined;
}

export async function removeDeploymentRecords(stack: string): Promise<void> {
  await removeConfigs((await labelledConfigs(RECORD_LABEL, stack)).map((c) => c.name));
}

/** What docker stack deploy would do to each service, against the services running and the record. */
export async function planDeploy(
  stack: string,
  planned: Record<string, Definition>,
): Promise<ServiceChange[]> {
  const [running, record] = await Promise.all([stackServiceNames(stack), lastDeployment(stack)]);
  return compareDeployment(planned, running, record);
}

/**
 * Each planned service is created, updated (its definition differs from the record, with what differs),
 * run again (a job: Swarm runs it at every deploy) or left; a running one no longer planned is removed
 * (the deploy prunes it).
 */
export function compareDeployment(
  planned: Record<string, Definition>,
  running: string[],
  record: Record<string, Definition> | undefined,
): ServiceChange[] {
  const services = Object.keys(planned).sort(compareText);
  const changes = services.map((service): ServiceChange => {
    const definition = planned[service]!;
    const before = record?.[service];
    if (!running.includes(service)) return { service, action: 'create', reasons: [] };
    if (!before)
      return {
        service,
        action: 'update',
        reasons: ['no record of its last deploy by stackgen: Swarm updates it if its definition changed'],
      };
    if (!isDeepStrictEqual(before, definition))
      return { service, action: 'update', reasons: differences(before, definition) };
    const job = (definition.deploy as { mode?: string } | undefined)?.mode?.endsWith('-job');
    return job
      ? { service, action: 'rerun', reasons: ['a job: Swarm runs it again at every deploy'] }
      : { service, action: 'unchanged', reasons: [] };
  });
  const removed = running
    .filter((service) => !(service in planned))
    .sort(compareText)
    .map((service): ServiceChange => ({
      service,
      action: 'remove',
      reasons: ['no longer in the stack (the deploy prunes it)'],
    }));
  return [...changes, ...removed];
}

/** What differs between two definitions of a service, key by key, in the words of the stack's files. */
function differences(before: Definition, after: Definition): string[] {
  const changed = union(Object.keys(before), Object.keys(after)).filter(
    (key) => !isDeepStrictEqual(before[key], after[key]),
  );
  const reasons: string[] = [];
  const other: string[] = [];
  for (const key of changed) {
    if (key === 'image') reasons.push(`image ${String(before.image)} → ${String(after.image)}`);
    else if (key === 'environment') {
      const a = (before.environment ?? {}) as Record<string, unknown>;
      const b = (after.environment ?? {}) as Record<string, unknown>;
      const names = union(Object.keys(a), Object.keys(b)).filter((name) => a[name] !== b[name]);
      reasons.push(`environment ${names.join(', ')}`);
    } else if (key === 'configs' || key === 'secrets') {
      // Each named by a hash of its content: a changed file or secret has a new name.
      const a = (before[key] ?? []) as { source: string }[];
      const b = (after[key] ?? []) as { source: string }[];
      const ref = (list: { source: string }[], source: string) => list.find((r) => r.source === source);
      const sources = union(
        a.map((r) => r.source),
        b.map((r) => r.source),
      ).filter((source) => !isDeepStrictEqual(ref(a, source), ref(b, source)));
      reasons.push(`${key} ${sources.join(', ')}`);
    } else other.push(key);
  }
  if (other.length) reasons.push(`${other.join(', ')} changed`);
  return reasons;
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort(compareText);
