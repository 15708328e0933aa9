/** SigNoz: its facts, its views, and (loaded by `verify` alone) how to ask it for a trace. */
import type { Backend, BackendRuntime, BackendVerify } from '../backend.js';
import { FACTS, type SignozSettings } from './facts.js';
import { RENDER } from './render.js';

export const SIGNOZ = {
  ...FACTS,
  render: RENDER,
  verify: async (): Promise<BackendVerify> => (await import('./verify.js')).VERIFY,
  runtime: async (): Promise<BackendRuntime> => (await import('./runtime.js')).RUNTIME,
} as const satisfies Backend<SignozSettings>;
