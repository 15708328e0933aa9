/**
 * Issue #14's house goal for the stack's own parts as for the backends: each is described in one place,
 * its folder (src/components/<name>/). This reads the code of src/ (comments left out) for what a part or
 * backend states of itself that would drift if written twice: the image it runs and the tag it pins.
 */
import { describe, expect, it } from 'vitest';
import { IMAGES } from '../../src/model/images.js';
import { COMPONENT_LIST } from '../../src/components/index.js';
import { BACKEND_LIST } from '../../src/backends/index.js';
import { codeWords, sourceFiles } from '../helpers/code-words.js';

const CODE = new Map(sourceFiles().map((file) => [file, codeWords(file)]));
const filesWriting = (text: string) => [...CODE].filter(([, words]) => words.includes(text)).map(([f]) => f);

describe('each part in one place', () => {
  it("writes each image's repository and pinned tag once, in its part's or backend's facts", () => {
    const where = Object.fromEntries([
      ...COMPONENT_LIST.map((c) => [c.image.repository, `components/${c.name}/facts.ts`]),
      ...BACKEND_LIST.flatMap((b) =>
        Object.values(b.images).map((i) => [i.repository, `backends/${b.name}/facts.ts`]),
      ),
    ]) as Record<string, string>;
    expect(Object.keys(where).sort()).toEqual(
      Object.values(IMAGES)
        .map((i) => i.repository)
        .sort(),
    );
    for (const { repository, version } of Object.values(IMAGES)) {
      // An official image's name (`postgres`) is a common word too: its service, its user.
      if (repository.includes('/')) expect(filesWriting(repository), repository).toEqual([where[repository]]);
      expect(filesWriting(version), `${repository}:${version}`).toEqual([where[repository]]);
    }
  });
});
