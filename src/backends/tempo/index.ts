/** Tempo: its facts, its views, and (loaded by `verify` alone) how to ask it for a trace. */
import type { Backend, BackendVerify } from '../backend.js';
import { FACTS, type TempoSettings } from './facts.js';
import { RENDER } from './render.js';

export const TEMPO = {
  ...FACTS,
  render: RENDER,
  verify: async (): Promise<BackendVerify> => (await import('./verify.js')).VERIFY,
} as const satisfies Backend<TempoSettings>;
