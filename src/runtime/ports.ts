/**
 * Before anything is created: is every host port the stack publishes free? A port already published by
 * this stack's own containers counts as free (`up` on a running stack is fine). For a taken port, name
 * what holds it when we can: a container, or a process (from `ss`).
 */
import { execa } from 'execa';
import { containersPublishing } from '../docker/engine.js';
import net from 'node:net';
import type { ComposeProject } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import type { Stack } from '../model/normalize.js';

export interface HostPort {
  /** The stack field that sets it, e.g. exposure.ports.grafana.ui. */
  field: string;
  address: string;
  port: number;
}

export function publishedPorts(stack: Stack): HostPort[] {
  const ports: HostPort[] = [];
  for (const component of stack.components) {
    for (const [name, port] of Object.entries(stack.exposure.ports[component])) {
      if (port !== false)
        ports.push({
          field: `exposure.ports.${component}.${name}`,
          address: stack.exposure.bindAddress,
          port,
        });
    }
  }
  return ports;
}

export async function assertPortsFree(project: ComposeProject): Promise<void> {
  const own = await project.publishedHostPorts();
  const problems: string[] = [];
  for (const hostPort of publishedPorts(project.stack)) {
    if (own.has(hostPort.port)) continue;
    const failure = await tryListen(hostPort.address, hostPort.port);
    if (!failure) continue;
    if (failure === 'EADDRNOTAVAIL') {
      problems.push(`${hostPort.address} is not an address of this machine (exposure.bindAddress)`);
      break;
    }
    const holder =
      failure === 'EADDRINUSE' ? await describeHolder(hostPort.port) : `cannot bind it (${failure})`;
    problems.push(
      `port ${hostPort.port} on ${hostPort.address} (${hostPort.field}) is already in use${holder ? ` by ${holder}` : ''}`,
    );
  }
  if (problems.length) {
    throw new OperationError(
      [
        ...problems,
        'Stop what holds it, or choose another port under exposure.ports in the stack file and run "stackgen generate".',
      ].join('\n'),
    );
  }
}

/** undefined when the port could be bound (and was released again), else the error code. */
function tryListen(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

async function describeHolder(port: number): Promise<string | undefined> {
  const names = await containersPublishing(port);
  if (names.length) return `the container ${names.join(', ')}`;
  const ss = await execa('ss', ['-Hltnp', `sport = :${port}`], { reject: false });
  const user = /users:\(\("([^"]+)",pid=(\d+)/.exec(String(ss.stdout ?? ''));
  return user ? `${user[1]} (pid ${user[2]})` : undefined;
}
