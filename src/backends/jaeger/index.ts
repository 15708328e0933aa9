import { FACTS } from './facts.js';
import { RENDER } from './render.js';

export const JAEGER = { ...FACTS, render: RENDER } as const;
