/** Where the golden files are, and every stack that has them: presets and fixtures. */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const GOLDEN = path.join(ROOT, 'test/golden');

/** Every stack with golden output: [golden folder name, stack file relative to the repo root]. */
export const GOLDEN_STACKS: [string, string][] = [
  ...readdirSync(path.join(ROOT, 'stacks'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, string] => [f.replace(/\.yaml$/, ''), `stacks/${f}`]),
  ...readdirSync(path.join(ROOT, 'test/fixtures/stacks'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, string] => [f.replace(/\.yaml$/, ''), `test/fixtures/stacks/${f}`]),
];
