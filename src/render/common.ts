/**
 * What every part of the view shares: how a port is published, mounted, checked. Which features are on is
 * features.ts.
 */
import type { Stack } from '../model/normalize.js';

export type { Features } from './features.js';

export interface PortView {
  target: number;
  published: number;
  hostIp: string;
}

/** The published form of a container port, or none when the stack file says false. */
export function publisher(stack: Stack) {
  return (target: number, published: number | false): PortView[] =>
    published === false ? [] : [{ target, published, hostIp: stack.exposure.bindAddress }];
}

/** A read-only bind mount in compose's short syntax; paths hold no ":" (the stack schema allows none). */
export function readOnlyMount(source: string, target: string): string {
  return `${source.startsWith('.') || source.startsWith('/') ? source : `./${source}`}:${target}:ro`;
}

/** A compose healthcheck: the command the container runs on itself, and how patient compose is with it. */
export interface Healthcheck {
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
  /** Why this command, printed above it. */
  note?: string;
}

export function healthcheck(test: string[], options: Partial<Omit<Healthcheck, 'test'>> = {}): Healthcheck {
  return { test, intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20, ...options };
}

/** A check with the image's own wget: healthy when the URL answers 2xx. */
export function wgetCheck(url: string, options: Partial<Omit<Healthcheck, 'test'>> = {}): Healthcheck {
  return healthcheck(['CMD', 'wget', '-q', '--spider', url], options);
}
