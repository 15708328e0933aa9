import { FACTS } from './facts.js';
import { RENDER } from './render.js';

export const SIGNOZ = { ...FACTS, render: RENDER } as const;
