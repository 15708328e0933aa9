/**
 * A stack's compose project: `docker compose -p <stack name> -f <output>/compose.yaml …`. The project name
 * is the stack name, so every command finds the same containers whatever the current directory.
 */
import { execa, type Options } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Stack } from '../model/normalize.js';
import type { Docker } from './cli.js';

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

/** One line of `docker compose ps --format json`. */
interface PsEntry {
  Service: string;
  Name: string;
  State: string;
  Health?: string;
  ExitCode?: number;
  Publishers?: { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[] | null;
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

  /** Every container of the project, stopped ones too, by service name. */
  async ps(): Promise<ContainerState[]> {
    const result = await this.run(['ps', '--all', '--format', 'json']);
    if (result.exitCode !== 0) return [];
    return parsePs(String(result.stdout)).map((entry) => ({
      service: entry.Service,
      container: entry.Name,
      state: entry.State as ServiceState,
      health: (entry.Health || 'none') as ServiceHealth,
      exitCode: entry.ExitCode ?? 0,
      ports: (entry.Publishers ?? [])
        .filter((p) => p.PublishedPort > 0)
        .map((p) => ({
          hostIp: p.URL,
          hostPort: p.PublishedPort,
          containerPort: p.TargetPort,
          protocol: p.Protocol,
        })),
    }));
  }
}

/** Compose prints one JSON array (older v2) or one object per line (newer v2). */
export function parsePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsEntry[];
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PsEntry);
}
