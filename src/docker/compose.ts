/**
 * A stack's compose project: `docker compose -p <stack name> -f <output>/compose.yaml …`. The project name
 * is the stack name, so every command finds the same containers whatever the current directory.
 */
import { execa, type Options } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Stack } from '../model/normalize.js';
import type { Docker } from './cli.js';
import { compareText } from '../compare.js';
import { containerName, listContainers, type ListedContainer } from './engine.js';

export type ServiceState =
  'running' | 'created' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing' | 'not created';
export type ServiceHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerState {
  service: string;
  container: string;
  state: ServiceState;
  health: ServiceHealth;
  exitCode: number;
  ports: PublishedPort[];
}

export class ComposeProject {
  constructor(
    readonly docker: Docker,
    readonly stack: Stack,
    readonly root: string,
  ) {}

  get file(): string {
    return path.join(this.root, this.stack.output, 'compose.yaml');
  }

  /**
   * Arguments for compose: global flags, then the subcommand. Without a compose file (never generated, or
   * deleted) the project name suffices for ps, logs and down.
   */
  args(rest: string[], globals: string[] = []): string[] {
    const file = existsSync(this.file) ? ['--file', this.file] : [];
    return [...this.docker.compose.args, ...globals, '--project-name', this.stack.name, ...file, ...rest];
  }

  run(rest: string[], options: Options = {}, globals: string[] = []) {
    return execa(this.docker.compose.file, this.args(rest, globals), { reject: false, ...options });
  }

  /**
   * Compose on a compose file not written yet (given as text, read from stdin), in the output folder's
   * place: relative paths, includes and .env resolve as they will once it is written. `env` adds values
   * to what .env holds.
   */
  runOn(content: string, env: Record<string, string>, rest: string[]) {
    const folder = path.join(this.root, this.stack.output);
    const args = [
      ...this.docker.compose.args,
      '--project-name',
      this.stack.name,
      '--project-directory',
      folder,
      '--file',
      '-',
      ...rest,
    ];
    return execa(this.docker.compose.file, args, { reject: false, input: content, env, cwd: this.root });
  }

  /**
   * The host ports the project's running containers publish. Asked of the docker CLI, which answers in a
   * fraction of the time compose takes.
   */
  async publishedHostPorts(): Promise<Set<number>> {
    const running = (await this.ps()).filter((c) => c.state === 'running');
    return new Set(running.flatMap((c) => c.ports.map((p) => p.hostPort)));
  }

  /**
   * Every container of the project, stopped ones too, by service name: what `docker compose ps --all`
   * says, asked of the engine by compose's labels (several times faster, and `up` asks every second).
   */
  async ps(): Promise<ContainerState[]> {
    const labels = [`com.docker.compose.project=${this.stack.name}`, 'com.docker.compose.oneoff=False'];
    const listed = await listContainers({ label: labels }, true);
    if (listed) return listed.map(stateOf).sort((a, b) => compareText(a.service, b.service));
    const result = await execa(
      'docker',
      ['ps', '--all', ...labels.flatMap((label) => ['--filter', `label=${label}`]), '--format', PS_FORMAT],
      { reject: false },
    );
    if (result.exitCode !== 0) return [];
    return String(result.stdout)
      .split('\n')
      .filter(Boolean)
      .map(parsePsLine)
      .sort((a, b) => compareText(a.service, b.service));
  }
}

const PS_FORMAT = [
  '{{.Label "com.docker.compose.service"}}',
  '{{.Names}}',
  '{{.State}}',
  '{{.Status}}',
  '{{.Ports}}',
].join('\t');

/** One container of the API's list, as ContainerState. */
export function stateOf(c: ListedContainer): ContainerState {
  const ports = (c.Ports ?? []).flatMap(({ IP, PrivatePort, PublicPort, Type }) =>
    PublicPort
      ? [{ hostIp: IP ?? '', hostPort: PublicPort, containerPort: PrivatePort, protocol: Type }]
      : [],
  );
  return {
    ...fromStatus(c.State, c.Status),
    service: c.Labels?.['com.docker.compose.service'] ?? '',
    container: containerName(c),
    ports: sortPorts(ports),
  };
}

/** One line of `docker ps --format PS_FORMAT`. */
export function parsePsLine(line: string): ContainerState {
  const [service = '', container = '', state = '', status = '', ports = ''] = line.split('\t');
  return { ...fromStatus(state, status), service, container, ports: sortPorts(parsePorts(ports)) };
}

/** State, health and exit code from the engine's words: `running`, `Up 2 minutes (healthy)`. */
function fromStatus(state: string, status: string): Pick<ContainerState, 'state' | 'health' | 'exitCode'> {
  const health = /\(healthy\)/.test(status)
    ? 'healthy'
    : /\(unhealthy\)/.test(status)
      ? 'unhealthy'
      : /\(health: starting\)/.test(status)
        ? 'starting'
        : 'none';
  return {
    state: state as ServiceState,
    health,
    exitCode: Number(/^Exited \((\d+)\)/.exec(status)?.[1] ?? 0),
  };
}

/** Ports in one order whoever answered: by address, host port and protocol. */
const sortPorts = (ports: PublishedPort[]): PublishedPort[] =>
  ports.sort(
    (a, b) =>
      compareText(a.hostIp, b.hostIp) || a.hostPort - b.hostPort || compareText(a.protocol, b.protocol),
  );

/**
 * Docker's port list: `127.0.0.1:4317->4317/tcp, [::1]:80->80/tcp, 9090/tcp`, where consecutive mappings
 * are written as one range (`127.0.0.1:4317-4318->4317-4318/tcp`). Ports not published are left out.
 */
export function parsePorts(text: string): PublishedPort[] {
  const ports: PublishedPort[] = [];
  for (const match of text.matchAll(/(\[[^\]]*\]|[^\s,[\]]+):(\d+)(?:-(\d+))?->(\d+)(?:-\d+)?\/(\w+)/g)) {
    const [, ip, first, last, target, protocol] = match;
    for (let port = Number(first); port <= Number(last ?? first); port++) {
      ports.push({
        hostIp: ip!.replace(/^\[|\]$/g, ''),
        hostPort: port,
        containerPort: Number(target) + port - Number(first),
        protocol: protocol!,
      });
    }
  }
  return ports;
}
