import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IMAGES } from '../../src/model/images.js';
import { imagesOfBackend } from '../../src/model/services.js';
import { BACKENDS } from '../../src/model/constants.js';

const STACKS = path.resolve(import.meta.dirname, '../../stacks');
const presets = readdirSync(STACKS).filter((f) => f.endsWith('.yaml'));

describe('presets', () => {
  it('exist for every backend', () => {
    expect(presets.map((f) => f.replace('.yaml', '')).sort()).toEqual([...BACKENDS].sort());
  });

  it.each(presets)('%s pins every image its backend runs, at the version stackgen defaults to', (file) => {
    const preset = parse(readFileSync(path.join(STACKS, file), 'utf8')) as {
      backend: Parameters<typeof imagesOfBackend>[0];
      images: { versions: Record<string, string> };
    };
    const defaults = Object.fromEntries(
      imagesOfBackend(preset.backend).map((key) => [key, IMAGES[key].version]),
    );
    expect(preset.images.versions).toEqual(defaults);
  });

  it.each(presets)('%s points editors at the schema beside it', (file) => {
    expect(readFileSync(path.join(STACKS, file), 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./stackgen.schema.json',
    );
  });
});
