/**
 * swarm.yaml, for `target: swarm`: the stack's compose.yaml as Docker Swarm runs it (`docker stack deploy`),
 * derived from the compose file as rendered, so both describe the same services. What differs on a cluster:
 * - a bind mount exists on one host only: each file a service mounts (generated, or the user's dashboards
 *   and rule files) becomes a Swarm config, named by its path and content, so a changed file rolls exactly
 *   the services that mount it;
 * - secrets from .env become Swarm secrets, named by a hash of their value; `stackgen up` makes the files
 *   and names them (STACKGEN_SECRETS_DIR, `<VAR>_SHA`), and nothing secret is written into swarm.yaml. A
 *   service reads them as its image can (secretDelivery): from the file a `<VAR>_FILE` variable names, or,
 *   for an image that reads only its environment (SigNoz), through a shell that reads them into it first;
 *   TLS certificates become configs and keys secrets, named by the hash up computes of each file
 *   (fileHashVariable);
 * - networks are overlays, attachable, so containers and stacks on any node can join;
 * - Swarm ignores depends_on: each service restarts until what it needs answers, and one-shot steps are
 *   replicated jobs; a service with a data volume (local to one node) is pinned to the labelled node;
 * - memory limits, restart and update policies go under deploy; ports are published only as swarm.publish
 *   says (Swarm cannot bind one address such as 127.0.0.1).
 * It carries the service keys listed in ComposeService; a patch of compose.yaml that adds another key does
 * not reach swarm.yaml (patch swarm.yaml for that).
 */
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { SecretDelivery } from '../backends/backend.js';
import { backendOf } from '../backends/index.js';
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { sha256 } from './marker.js';
import { tlsInputs } from '../model/tls.js';

interface ComposeService {
  image: string;
  command?: string[];
  entrypoint?: string[];
  user?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: { target: number; published: number; protocol?: string }[];
  networks?: string[] | Record<string, unknown>;
  healthcheck?: Record<string, unknown>;
  logging?: Record<string, unknown>;
  ulimits?: Record<string, unknown>;
  extra_hosts?: string[];
  mem_limit?: string;
  restart?: string;
  depends_on?: Record<string, { condition?: string }>;
  [key: string]: unknown;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { name?: string; external?: boolean }>;
  volumes?: Record<string, unknown>;
}

/** The rendered files' contents, by path relative to the output folder. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** A secret from .env in a compose environment value: `${NAME:?…}`, the whole value or a part of it. */
const SECRET_REFERENCE = /\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}/g;

/**
 * How each service's image takes a secret from a file: Grafana reads `<VAR>__FILE`; a backend's services
 * say how theirs do (its render part's `swarmSecrets`: SigNoz's PostgreSQL and SigNoz itself).
 */
function secretDelivery(stack: Stack): Record<string, SecretDelivery> {
  return {
    [SERVICE_NAMES.grafana]: { fileVariable: (key) => `${key}__FILE` },
    ...backendOf(stack.backend).render.swarmSecrets,
  };
}

/** A job retries until what it needs answers (the schema migrator waits for ClickHouse): 30 times. */
const JOB_ATTEMPTS = 30;

export function swarmStackFile(stack: Stack, generated: GeneratedFiles): string {
  // Its header is comments, which parsing leaves out.
  const compose = parse(generated.get('compose.yaml')!) as ComposeFile;
  const deliveries = secretDelivery(stack);
  // The user's dashboards and rule files, read at load, are mounted the same way: configs by content.
  const files = new Map(generated);
  for (const source of [...stack.extensions.dashboards, ...stack.extensions.ruleFiles])
    for (const file of source.files) files.set(path.posix.relative(stack.output, file.path), file.content);
  const configs: Record<string, { file: string; name: string }> = {};
  const secrets: Record<string, { file: string; name: string }> = {};
  const oneShots = new Set(stack.services.filter((s) => s.oneShot).map((s) => s.name));
  const owners = volumeOwners(compose, oneShots);
  const tls = tlsInputs(stack);
  const services = Object.fromEntries(
    Object.entries(compose.services).map(([name, service]) => {
      const mounts = (service.volumes ?? []).map((volume) => splitMount(volume));
      const serviceSecrets: { source: string; target: string }[] = [];
      // Swarm's default mode for configs and secrets is 0444: readable by the service's user, whoever it is.
      const serviceConfigs = mounts
        .filter((m) => m.bind && !tls.includes(m.source))
        .flatMap((m) => generatedUnder(files, m.source).map((file) => ({ file, target: targetOf(m, file) })))
        .map(({ file, target }) => {
          const key = keyOf(file);
          configs[key] = {
            file: `./${file}`,
            name: objectName(stack, key, contentHash(file, files.get(file)!)),
          };
          return { source: key, target };
        });
      // TLS files are not rendered (stackgen certs, or yours): named by the hash up computes of each.
      for (const m of mounts.filter((m) => m.bind && tls.includes(m.source))) {
        const key = keyOf(m.source);
        const entry = {
          file: `./${m.source}`,
          name: objectName(stack, key, `\${${fileHashVariable(m.source)}:?run "stackgen up"}`),
        };
        if (m.source.endsWith('.key')) {
          secrets[key] = entry;
          serviceSecrets.push({ source: key, target: m.target });
        } else {
          configs[key] = entry;
          serviceConfigs.push({ source: key, target: m.target });
        }
      }
      const environment: Record<string, string> = {};
      /** Variables the task's shell reads from secret files (an image that reads no file itself). */
      const fromFiles: { key: string; value: string }[] = [];
      const delivery = deliveries[name];
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const references = [...String(value).matchAll(SECRET_REFERENCE)];
        const names = references.map((m) => m[1]!);
        if (names.length === 0) {
          environment[key] = String(value);
          continue;
        }
        for (const secret of names) {
          secrets[secret] = {
            file: `\${STACKGEN_SECRETS_DIR:?run "stackgen up", which makes the secret files}/${secret}`,
            name: objectName(stack, secret.toLowerCase(), `\${${secret}_SHA:?run "stackgen up"}`),
          };
          if (!serviceSecrets.some((s) => s.source === secret))
            serviceSecrets.push({ source: secret, target: secret });
        }
        const whole = references.length === 1 && references[0]![0] === String(value);
        if (delivery && 'fileVariable' in delivery && whole)
          environment[delivery.fileVariable(key)] = `/run/secrets/${names[0]}`;
        else if (delivery && 'runs' in delivery) fromFiles.push({ key, value: String(value) });
        // Each service with a secret has a way in secretDelivery; reaching here is a stackgen bug.
        else throw new Error(`swarm.yaml: ${name} has no way to read ${key} from a secret file`);
      }
      // What the task runs after the script: the service's entrypoint, else the image's with its CMD (as
      // Docker does, a service's entrypoint drops the image's CMD).
      const image = delivery && 'runs' in delivery ? delivery.runs : { entrypoint: [], command: [] };
      const runs = service.entrypoint
        ? [...service.entrypoint, ...(service.command ?? [])]
        : [...image.entrypoint, ...(service.command ?? image.command)];
      const start = fromFiles.length
        ? readingSecrets(fromFiles, runs)
        : { entrypoint: service.entrypoint, command: service.command };
      const volumes = mounts.filter((m) => !m.bind).map((m) => m.text);
      const oneShot = oneShots.has(name);
      const ports = portsOf(stack, service);
      const stateful = volumes.length > 0;
      const hostPorts = ports !== undefined && stack.swarm.publish === 'host';
      const constraint = stateful ? placementOf(stack, name, owners, mounts) : undefined;
      return [
        name,
        omitEmpty({
          image: service.image,
          entrypoint: start.entrypoint,
          command: start.command,
          user: service.user,
          environment: Object.keys(environment).length ? environment : undefined,
          configs: serviceConfigs.length ? serviceConfigs : undefined,
          secrets: serviceSecrets.length ? serviceSecrets : undefined,
          volumes: volumes.length ? volumes : undefined,
          ports,
          // Swarm recreates a task only when its template changes, and host-mode ports are not part of it:
          // this label is, so that published ports, and a change to or from publish: host, reach the tasks.
          labels: hostPorts
            ? {
                'dev.stackgen.host-ports': ports
                  .map((p) => `${p.published}:${p.target}/${p.protocol}`)
                  .join(' '),
              }
            : undefined,
          networks: service.networks,
          extra_hosts: service.extra_hosts,
          ulimits: service.ulimits,
          healthcheck: service.healthcheck,
          logging: service.logging,
          deploy: omitEmpty({
            mode: oneShot ? 'replicated-job' : 'replicated',
            replicas: oneShot
              ? undefined
              : name === SERVICE_NAMES.collector
                ? stack.swarm.collectorReplicas
                : 1,
            endpoint_mode: stack.swarm.endpointMode,
            resources: service.mem_limit
              ? { limits: { memory: service.mem_limit.replace(/m$/, 'M') } }
              : undefined,
            // Swarm has no depends_on: a service restarts until what it needs answers.
            restart_policy: oneShot
              ? { condition: 'on-failure', delay: '5s', max_attempts: JOB_ATTEMPTS }
              : { condition: 'any', delay: '5s' },
            // A new task of a stateless service starts before the old one stops; a service with a data
            // volume stops first, so two tasks never write one store, and so does one with host-mode
            // ports: its new task cannot bind them beside the old one, and every other node may hold one.
            update_config: oneShot
              ? undefined
              : {
                  order: stateful || hostPorts ? 'stop-first' : 'start-first',
                  // One that needs a one-shot step done first fails until the step's job has run again:
                  // a rollback would take that for a broken update. up waits, and names a task that
                  // keeps failing.
                  failure_action: waitsForStep(service) ? 'continue' : 'rollback',
                },
            placement: constraint
              ? { constraints: [constraint] }
              : // A host-mode port is bound once per node: one task of it per node.
                hostPorts && !oneShot
                ? { max_replicas_per_node: 1 }
                : undefined,
          }),
        }),
      ];
    }),
  );
  const networks = Object.fromEntries(
    Object.entries(compose.networks ?? {}).map(([key, network]) => [
      key,
      network.external
        ? { external: true, name: network.name ?? key }
        : { name: network.name ?? key, driver: 'overlay', attachable: true },
    ]),
  );
  const nonEmpty = (o: Record<string, unknown>) => (Object.keys(o).length ? o : undefined);
  const header = [
    `# The ${stack.name} stack on a Docker Swarm (target: swarm in the stack file), from the same services as`,
    '# compose.yaml. Deploy with "npx stackgen up" against a swarm manager (DOCKER_HOST or a Docker context):',
    '# it makes the secrets from .env and waits until every task runs healthy.',
    '',
  ].join('\n');
  return `${header}${stringify(
    omitEmpty({
      services,
      networks: nonEmpty(networks),
      volumes: compose.volumes,
      configs: nonEmpty(configs),
      secrets: nonEmpty(secrets),
    }),
    { lineWidth: 0, aliasDuplicateObjects: false },
  )}`;
}

/**
 * A task that starts through the shell: it reads each variable's secrets from their files (`${VAR:?…}`
 * becomes the file's content), exports them, and then runs `runs`. A missing file stops it at once.
 * `$` is doubled: docker stack deploy interpolates the file as Compose does.
 */
function readingSecrets(variables: { key: string; value: string }[], runs: string[]) {
  const word = (value: string) =>
    value
      .split(SECRET_REFERENCE)
      .map((part, i) =>
        i % 2 ? `"$(cat /run/secrets/${part})"` : part ? `'${part.replace(/'/g, `'\\''`)}'` : '',
      )
      .join('');
  const script = [
    'set -e',
    ...variables.map(({ key, value }) => `${key}=${word(value)}`),
    `export ${variables.map((v) => v.key).join(' ')}`,
    'exec "$@"',
  ].join('\n');
  return { entrypoint: ['/bin/sh', '-c', script.replace(/\$/g, '$$$$'), 'sh'], command: runs };
}

interface Mount {
  text: string;
  bind: boolean;
  /** Relative to the output folder, for a bind mount; the volume name otherwise. */
  source: string;
  target: string;
}

function splitMount(volume: string): Mount {
  const [source = '', target = ''] = volume.split(':');
  const bind = source.startsWith('.') || source.startsWith('/');
  return { text: volume, bind, source: bind ? path.posix.normalize(source) : source, target };
}

/** The files (generated, or the user's) a bind mount's source is, or holds. */
function generatedUnder(files: GeneratedFiles, source: string): string[] {
  if (files.has(source)) return [source];
  const inside = [...files.keys()].filter((f) => f.startsWith(`${source}/`)).sort();
  if (inside.length === 0) {
    // The rules refuse every other bind mount with target: swarm; reaching here is a stackgen bug.
    throw new Error(`swarm.yaml: ${source} is not a generated file or folder`);
  }
  return inside;
}

function targetOf(mount: Mount, file: string): string {
  return file === mount.source
    ? mount.target
    : path.posix.join(mount.target, file.slice(mount.source.length + 1));
}

/** What a file is called in swarm.yaml: its path, in letters, digits and dashes. */
const keyOf = (file: string) => file.replace(/^(\.\.\/)+/, '').replace(/[^A-Za-z0-9]+/g, '-');

/** Hashes in names are 12 hex digits (48 bits), whether computed here or by up. */
export const NAME_HASH_LENGTH = 12;

const contentHash = (file: string, content: string) =>
  sha256(`${file}\0${content}`).slice(0, NAME_HASH_LENGTH);

/**
 * A config's or secret's name: the stack, what it is, and a hash of its content, so a change makes a new
 * one; at most 63 characters (Swarm allows 64), the readable part shortened first.
 */
function objectName(stack: Stack, key: string, hash: string): string {
  return `${`${stack.name}_${key}`.slice(0, 63 - 1 - NAME_HASH_LENGTH)}_${hash}`;
}

/** The variable up sets to the hash of a file it does not render (a TLS certificate or key). */
export function fileHashVariable(file: string): string {
  return `STACKGEN_${keyOf(file).toUpperCase().replace(/-/g, '_')}_SHA`;
}

/** For each named volume, the long-running service that owns it (one-shot steps on it follow that one). */
function volumeOwners(compose: ComposeFile, oneShots: ReadonlySet<string>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (oneShots.has(name)) continue;
    for (const volume of service.volumes ?? []) {
      const mount = splitMount(volume);
      if (!mount.bind && !owners.has(mount.source)) owners.set(mount.source, name);
    }
  }
  return owners;
}

function placementOf(stack: Stack, service: string, owners: Map<string, string>, mounts: Mount[]): string {
  const { data, services } = stack.swarm.placement;
  const owner = mounts.map((m) => owners.get(m.source)).find((o) => o !== undefined) ?? service;
  const label = services[service] ?? services[owner] ?? data;
  const [key, value] = label.split('=') as [string, string];
  return `node.labels.${key} == ${value}`;
}

function portsOf(stack: Stack, service: ComposeService) {
  if (stack.swarm.publish === 'none' || !service.ports?.length) return undefined;
  return service.ports.map((p) => ({
    target: p.target,
    published: p.published,
    protocol: p.protocol ?? 'tcp',
    mode: stack.swarm.publish,
  }));
}

/** It needs a one-shot step to have completed (Tempo its volume's owner; SigNoz and its collector the schema). */
const waitsForStep = (service: ComposeService) =>
  Object.values(service.depends_on ?? {}).some((d) => d.condition === 'service_completed_successfully');

function omitEmpty<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}
