/**
 * Where a user reaches the stack: each endpoint from the host (through the published port) and from a
 * container on the stack's networks (by service name). The stack README, `stackgen up` and
 * `stackgen status` all print these; each component says its own (stackEndpoints, render/components.ts).
 */

export interface Endpoint {
  name: string;
  /** From the host; undefined when the port is not published. */
  host: string | undefined;
  /** From a container on the stack's networks. */
  network: string;
}

/** Where a user on this machine reaches published ports. */
export function hostForUrls(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}
