import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planOfObject, withEditedFile } from '../helpers/plan.js';
import { describe, expect, it } from 'vitest';
import { pruneCacheFolder, writeCacheEntry } from '../../src/cache-folder.js';
import { CheckCache } from '../../src/check/check-cache.js';
import { planProblems, verdictKey } from '../../src/check/check-plan.js';
import type { RenderPlan } from '../../src/render/plan.js';

function plan(): Promise<RenderPlan> {
  return planOfObject({ name: 'demo', backend: 'jaeger' });
}

describe('the cache of check verdicts', () => {
  it('remembers files that passed, for the same build only, and drops files unused for weeks', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-cache-'));
    // Another build's verdicts: one written lately (another checkout, say) stays, one unused for weeks goes.
    writeFileSync(path.join(folder, 'checked-other.json'), '[]');
    writeFileSync(path.join(folder, 'checked-old.json'), '[]');
    // The same goes for a Compose plugin's version kept by another build.
    writeFileSync(path.join(folder, 'plugin-old.json'), '{}');
    const weeksAgo = new Date(Date.now() - 15 * 24 * 60 * 60 * 1000);
    utimesSync(path.join(folder, 'checked-old.json'), weeksAgo, weeksAgo);
    utimesSync(path.join(folder, 'plugin-old.json'), weeksAgo, weeksAgo);
    const cache = CheckCache.open('build-1', folder);
    const key = CheckCache.key('collector/config.yaml', 'receivers: {}');
    cache.add(key);
    cache.save();

    expect(CheckCache.open('build-1', folder).has(key)).toBe(true);
    expect(CheckCache.open('build-2', folder).has(key)).toBe(false);
    expect(readdirSync(folder).sort()).toEqual(['checked-build-1.json', 'checked-other.json']);
    expect(CheckCache.key('collector/config.yaml', 'receivers: {} ')).not.toBe(key);
  });

  it('remembers nothing when running from source (no build id) and survives a corrupt file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-cache-'));
    const fromSource = CheckCache.open(undefined, folder);
    fromSource.add('k');
    fromSource.save();
    expect(readdirSync(folder)).toEqual([]);

    writeFileSync(path.join(folder, 'checked-b.json'), '{not json');
    expect(CheckCache.open('b', folder).has('k')).toBe(false);
    writeFileSync(path.join(folder, 'checked-c.json'), '{"not": "a list"}');
    expect(CheckCache.open('c', folder).has('k')).toBe(false);

    // A cache that cannot be written (here its folder is a file) costs only time.
    const blocked = path.join(folder, 'checked-b.json');
    expect(() => writeCacheEntry(path.join(blocked, 'entry.json'), '[]')).not.toThrow();
    expect(readdirSync(folder).sort()).toEqual(['checked-b.json', 'checked-c.json']);
  });

  it('skips the checks of a file whose bytes, and what its checks read of the plan, passed before', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-cache-'));
    const cache = CheckCache.open('b', folder);
    expect(planProblems(await plan(), cache)).toEqual([]);

    // A collector config that passed is not parsed again; a changed one is.
    const brokenCollector = withEditedFile(await plan(), 'collector/config.yaml', (c) =>
      c.replace('exporters: [prometheus]', 'exporters: [prometheus, kafka]'),
    );
    expect(planProblems(brokenCollector, cache).map((p) => p.file)).toEqual(['collector/config.yaml']);
    // Proof that a known file is skipped: a verdict planted for the broken bytes silences the check.
    const broken = brokenCollector.files.find((f) => f.path === 'collector/config.yaml')!;
    cache.add(CheckCache.key(broken.path, broken.content));
    expect(planProblems(brokenCollector, cache)).toEqual([]);

    // compose.yaml's verdict is kept with the plan's file names its mount check reads: a removed mounted
    // file is found even with compose.yaml's bytes known.
    const unknownKey = withEditedFile(await plan(), 'compose.yaml', (c) =>
      c.replace('restart: unless-stopped', 'restart: unless-stopped\n    restrat: always'),
    );
    expect(planProblems(unknownKey, CheckCache.open('other', folder)).map((p) => p.problem)).toEqual([
      expect.stringContaining('must NOT have additional properties (restrat)'),
    ]);
    const composeFile = unknownKey.files.find((f) => f.path === 'compose.yaml')!;
    cache.add(verdictKey(composeFile, unknownKey));
    expect(planProblems(unknownKey, cache)).toEqual([]);
    const missingMount = {
      ...(await plan()),
      files: (await plan()).files.filter((f) => f.path !== 'jaeger/config.yaml'),
    };
    expect(planProblems(missingMount, cache)).toEqual([
      expect.objectContaining({
        file: 'compose.yaml',
        problem: expect.stringContaining('jaeger/config.yaml'),
      }),
    ]);

    // A dashboard's verdict is kept with the datasources it names: one gone is found though its bytes passed.
    const renamed = withEditedFile(await plan(), 'grafana/provisioning/datasources/datasources.yaml', (c) =>
      c.replace('uid: prometheus', 'uid: prometheus-renamed'),
    );
    expect(planProblems(renamed, cache)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: expect.stringMatching(/^grafana\/dashboards\//) }),
      ]),
    );
  });

  it('keeps at most 200 parsed stack files and 40 files of compiled code, the newest', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-cache-'));
    const write = (name: string, secondsAgo: number) => {
      writeFileSync(path.join(folder, name), '{}');
      const at = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(path.join(folder, name), at, at);
    };
    for (let i = 0; i < 203; i++) write(`stack-${String(i).padStart(3, '0')}.json`, 203 - i);
    for (let i = 0; i < 42; i++) write(`code-b${String(i).padStart(2, '0')}-v20-x64-generate.bin`, 42 - i);
    pruneCacheFolder(folder);
    const left = readdirSync(folder).sort();
    expect(left.filter((f) => f.startsWith('stack-'))).toHaveLength(200);
    expect(left).not.toContain('stack-002.json');
    expect(left).toContain('stack-003.json');
    expect(left.filter((f) => f.startsWith('code-'))).toHaveLength(40);
    expect(left).not.toContain('code-b01-v20-x64-generate.bin');
    expect(left).toContain('code-b02-v20-x64-generate.bin');
  });
});
