/**
 * The engine's objects beyond one compose project (containers, networks, volumes, images), each asked
 * through one typed verb. The runtime and verify use these instead of building docker arguments; a
 * question the engine cannot answer gives the empty answer, and the caller decides what that means.
 * The questions that only read go to the engine's API on its local socket when the CLI would use that
 * socket too (api.ts), and to the docker CLI otherwise; both ways give the same answer.
 */
import { execa } from 'execa';
import { compareText } from '../compare.js';
import { apiGet, apiGetAll, ok } from './api.js';

const docker = (args: string[], timeout?: number) =>
  execa('docker', args, { reject: false, ...(timeout ? { timeout } : {}) });

/** The non-empty lines of a command's output, trimmed (docker/swarm.ts reads answers the same way). */
export const lines = (text: unknown): string[] =>
  String(text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Ids of the containers carrying every label given (`key=value`), running only unless `all`. */
export async function containerIds(labels: string[], options: { all?: boolean } = {}): Promise<string[]> {
  const listed = await listContainers(labels.length ? { label: labels } : {}, options.all);
  if (listed) return listed.map((c) => c.Id);
  const filters = labels.flatMap((label) => ['--filter', `label=${label}`]);
  return lines((await docker(['ps', ...(options.all ? ['-a'] : []), '-q', ...filters])).stdout);
}

/**
 * `docker inspect` of containers, as the caller's type (the fields it reads). One that does not exist is
 * left out; through the CLI, which then fails as a whole, the answer is [].
 */
export async function inspectContainers<T>(ids: string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  const answers = await apiGetAll<T>(ids.map((id) => `/containers/${encodeURIComponent(id)}/json`));
  if (answers) return answers.flatMap((a) => ok(a) ?? []);
  const result = await docker(['inspect', ...ids]);
  return result.exitCode === 0 ? (JSON.parse(result.stdout) as T[]) : [];
}

/** Names of the containers publishing a host port. */
export async function containersPublishing(port: number): Promise<string[]> {
  const listed = await listContainers({ publish: [String(port)] });
  if (listed) return listed.map(containerName);
  return lines((await docker(['ps', '--filter', `publish=${port}`, '--format', '{{.Names}}'])).stdout);
}

/** Names of the containers attached to a network, with the compose project of each; undefined when it does not exist. */
export async function networkMembers(
  network: string,
): Promise<{ name: string; project: string }[] | undefined> {
  const inspect = await docker([
    'network',
    'inspect',
    network,
    '--format',
    '{{range .Containers}}{{.Name}} {{end}}',
  ]);
  if (inspect.exitCode !== 0) return undefined;
  const names = inspect.stdout.split(' ').filter(Boolean);
  if (names.length === 0) return [];
  const labelled = await docker([
    'inspect',
    '--format',
    '{{.Name}}\t{{index .Config.Labels "com.docker.compose.project"}}',
    ...names,
  ]);
  return lines(labelled.stdout).map((line) => {
    const [name = '', project = ''] = line.split('\t');
    return { name: name.replace(/^\//, ''), project };
  });
}

/** Every compose project with a container on the engine, with its first compose file. */
export async function composeProjectsOnEngine(): Promise<{ project: string; file: string }[]> {
  const [project, files] = ['com.docker.compose.project', 'com.docker.compose.project.config_files'];
  const listed = await listContainers({}, true);
  const labelled = listed
    ? listed.map(({ Labels: labels }) => [labels?.[project] ?? '', labels?.[files] ?? ''])
    : lines(
        (await docker(['ps', '-a', '--format', `{{.Label "${project}"}}\t{{.Label "${files}"}}`])).stdout,
      ).map((line) => line.split('\t'));
  return labelled.flatMap(([name, list]) => {
    const file = list?.split(',')[0];
    return name && file ? [{ project: name, file }] : [];
  });
}

/** The volumes of a compose project, with the value each carries for a label ('' when none). */
export async function projectVolumes(
  project: string,
  label: string,
): Promise<{ name: string; value: string }[]> {
  const answer = await apiGet<{ Volumes: { Name: string; Labels: Record<string, string> | null }[] | null }>(
    '/volumes',
    { filters: { label: [`com.docker.compose.project=${project}`] } },
  );
  if (answer) {
    // By name, as the CLI lists them.
    const volumes = (ok(answer)?.Volumes ?? []).sort((a, b) => compareText(a.Name, b.Name));
    return volumes.map((v) => ({ name: v.Name, value: v.Labels?.[label] ?? '' }));
  }
  const listed = await docker([
    'volume',
    'ls',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    `{{.Name}}\t{{.Label "${label}"}}`,
  ]);
  return lines(listed.stdout).map((line) => {
    const [name = '', value = ''] = line.split('\t');
    return { name, value };
  });
}

/** Creates a volume with these labels, replacing one of that name. */
export async function replaceVolume(name: string, labels: Record<string, string>): Promise<void> {
  await removeVolume(name);
  await docker([
    'volume',
    'create',
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    name,
  ]);
}

export async function removeVolume(name: string): Promise<void> {
  await docker(['volume', 'rm', name]);
}

/** Of these networks, those the engine does not have (one inspect names each it lacks). */
export async function absentNetworks(names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const unique = [...new Set(names)];
  const found = await apiGetAll(unique.map((name) => `/networks/${encodeURIComponent(name)}`));
  if (found) return new Set(unique.filter((_, i) => found[i]!.status === 404));
  const inspect = await docker(['network', 'inspect', '--format', '{{.Name}}', ...unique]);
  const present = new Set(lines(inspect.stdout));
  return new Set(unique.filter((name) => !present.has(name)));
}

/** Of these images, those the engine does not have (one inspect names each it lacks). */
export async function absentImages(images: string[]): Promise<Set<string>> {
  if (images.length === 0) return new Set();
  const unique = [...new Set(images)];
  // A reference is a path in the API's route as it is (`registry:5000/team/app:1.2`), as the CLI sends it.
  const found = await apiGetAll(unique.map((image) => `/images/${image}/json`));
  if (found) return new Set(unique.filter((_, i) => found[i]!.status === 404));
  const inspect = await docker(['image', 'inspect', '--format', '{{.Id}}', ...unique]);
  return new Set([...String(inspect.stderr ?? '').matchAll(/No such image: (\S+)/g)].map((m) => m[1]!));
}

/** Starts a throwaway container of the image with this open-files limit; its stderr when refused. */
export async function refusedOpenFiles(image: string, limit: number): Promise<string | undefined> {
  const probe = await docker(
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--ulimit',
      `nofile=${limit}:${limit}`,
      '--entrypoint',
      'sh',
      image,
      '-c',
      'true',
    ],
    60_000,
  );
  return probe.exitCode === 0 ? undefined : String(probe.stderr ?? '');
}

/** Runs a shell command inside a running container. */
export async function execInContainer(id: string, command: string, timeout = 10_000) {
  return docker(['exec', id, 'sh', '-c', command], timeout);
}

/** The volumes of a compose project with the size the engine reports for each (as it prints it). */
export async function projectVolumeSizes(project: string): Promise<{ name: string; size: string }[]> {
  const result = await docker(['system', 'df', '-v', '--format', '{{json .Volumes}}']);
  if (result.exitCode !== 0) return [];
  const volumes = (JSON.parse(result.stdout || '[]') ?? []) as {
    Name: string;
    Labels: string;
    Size: string;
  }[];
  return volumes
    .filter((v) => v.Labels.split(',').includes(`com.docker.compose.project=${project}`))
    .map((v) => ({ name: v.Name, size: v.Size }))
    .sort((a, b) => compareText(a.name, b.name));
}

/** What the API's container list says of each container (the fields read here). */
export interface ListedContainer {
  Id: string;
  Names: string[];
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] | null;
}

/**
 * The API's container list with these filters (running only unless `all`); undefined when the API cannot
 * be asked, [] when it refused.
 */
export async function listContainers(
  filters: Record<string, string[]>,
  all = false,
): Promise<ListedContainer[] | undefined> {
  const answer = await apiGet<ListedContainer[]>('/containers/json', {
    all,
    ...(Object.keys(filters).length ? { filters } : {}),
  });
  return answer && (ok(answer) ?? []);
}

/** A container's name as the CLI prints it: its own name, not a link's (`/web/db`), without the slash. */
export const containerName = (c: ListedContainer): string =>
  (c.Names.find((n) => n.lastIndexOf('/') === 0) ?? c.Names[0] ?? '').replace(/^\//, '');
