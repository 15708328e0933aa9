/**
 * The engine's HTTP API on its local socket, for the questions that only read. A `docker ps` or `docker
 * inspect` starts a Go program that takes 20–60 ms before it asks the same API; `up` asks a dozen such
 * questions before compose starts. The API is used only when the CLI would talk to that same socket: no
 * DOCKER_HOST other than unix://, no context but the default one. Anything else (ssh:// and tcp:// hosts,
 * TLS, contexts), and any question the socket does not answer, goes to the docker CLI as before: the
 * callers in engine.ts, compose.ts and cli.ts keep the CLI's way beside this one.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';

/** The docker CLI's configuration folder: DOCKER_CONFIG, else ~/.docker. */
export const cliConfigDir = (): string => process.env.DOCKER_CONFIG || path.join(homedir(), '.docker');

/**
 * The fields of the CLI's config.json read here; undefined when the file exists but is not JSON (the CLI
 * then explains the fault itself).
 */
export function cliConfig(): { currentContext?: string; cliPluginsExtraDirs?: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(cliConfigDir(), 'config.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The socket the docker CLI would talk to, when it is a local one it reaches without a context; undefined
 * when the CLI must be asked. The CLI's order: DOCKER_HOST, then DOCKER_CONTEXT, then config.json's
 * currentContext, then the default socket.
 */
export function engineSocket(): string | undefined {
  if (process.platform === 'win32') return undefined;
  const host = process.env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') && host.length > 'unix://'.length ? host.slice(7) : undefined;
  const config = cliConfig();
  if (!config) return undefined;
  const context = process.env.DOCKER_CONTEXT || config.currentContext || 'default';
  return context === 'default' ? '/var/run/docker.sock' : undefined;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/**
 * GET on the engine's API (its current version: the paths and fields read here are the same from API 1.41,
 * Docker 20.10, on). Query values that are objects are sent as JSON, as the API wants its `filters`.
 * Undefined when there is no local socket to ask or it does not answer: the caller asks the CLI instead.
 */
export function apiGet<T>(
  route: string,
  query: Record<string, unknown> = {},
): Promise<ApiAnswer<T> | undefined> {
  const socketPath = engineSocket();
  if (!socketPath) return Promise.resolve(undefined);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === false) continue;
    search.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const url = search.size ? `${route}?${search}` : route;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: url, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => resolve(undefined));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** GET of each route at once; undefined unless every one was answered (the caller asks the CLI instead). */
export async function apiGetAll<T>(routes: string[]): Promise<ApiAnswer<T>[] | undefined> {
  const answers = await Promise.all(routes.map((route) => apiGet<T>(route)));
  return answers.every((a) => a !== undefined) ? (answers as ApiAnswer<T>[]) : undefined;
}

/** The body of a 2xx answer; undefined for another status (the engine refused: the CLI would fail too). */
export const ok = <T>(answer: ApiAnswer<T>): T | undefined =>
  answer.status >= 200 && answer.status < 300 ? answer.body : undefined;
