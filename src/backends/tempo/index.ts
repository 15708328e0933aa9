import { FACTS } from './facts.js';
import { RENDER } from './render.js';

export const TEMPO = { ...FACTS, render: RENDER } as const;
