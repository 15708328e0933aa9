/** SigNoz: its facts, its views, and (loaded by `verify` alone) how to ask it for a trace. */
import type { BackendVerify } from '../backend.js';
import { FACTS } from './facts.js';
import { RENDER } from './render.js';

export const SIGNOZ = {
  ...FACTS,
  render: RENDER,
  verify: async (): Promise<BackendVerify> => (await import('./verify.js')).VERIFY,
} as const;
