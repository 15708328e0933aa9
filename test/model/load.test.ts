import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StackInvalidError } from '../../src/errors.js';
import { loadStack, loadStackText } from '../../src/model/load.js';
import { ParsedStackCache } from '../../src/model/parse-cache.js';
import { parseStack } from '../../src/model/parse.js';
import { stackYaml, testdir } from '../helpers/testdir.js';

/** The located messages a stack text fails with. */
async function problems(text: string, root = '/nonexistent'): Promise<string[]> {
  try {
    await loadStackText(root, 'stacks/demo.yaml', text);
  } catch (error) {
    if (error instanceof StackInvalidError) return error.message.split('\n').slice(0, -1);
    throw error;
  }
  throw new Error('expected the stack to be invalid');
}

describe('loading a stack file', () => {
  it('points at the value of a bad enum, with file, line, column and field', async () => {
    expect(await problems('name: demo\nbackend: zipkinx\n')).toEqual([
      'stacks/demo.yaml:2:10 backend: expected one of signoz, jaeger, tempo, got "zipkinx"',
    ]);
  });

  it('points at an unknown key and suggests the closest known one', async () => {
    expect(await problems(stackYaml('colector:\n  memoryLimitMiB: 600\n'))).toEqual([
      'stacks/demo.yaml:3:1 colector: unknown key "colector" (did you mean "collector"?)',
    ]);
  });

  it('lists the allowed keys when no known key is close', async () => {
    expect(await problems(stackYaml('grafana:\n  zzzzzz: 1\n'))).toEqual([
      'stacks/demo.yaml:4:3 grafana.zzzzzz: unknown key "zzzzzz" (allowed: enabled, memoryLimitMiB, dashboards, extraDashboards, adminUser)',
    ]);
  });

  it('reports every problem of a file at once, in the order of the file', async () => {
    const text = stackYaml(
      [
        'collector:',
        '  memoryLimitMiB: 5',
        '  spanMetrics: yes',
        'exposure:',
        '  bindAddress: nope',
        '  ports:',
        '    jaeger: { ui: "x" }',
        'apps:',
        '  - service: web',
        '    protocol: grpcx',
        '',
      ].join('\n'),
    );
    expect(await problems(text)).toEqual([
      'stacks/demo.yaml:4:19 collector.memoryLimitMiB: must be at least 128, got number 5',
      'stacks/demo.yaml:5:16 collector.spanMetrics: expected a boolean, got "yes" (write true or false)',
      'stacks/demo.yaml:7:16 exposure.bindAddress: expected an IP address such as 127.0.0.1, got "nope"',
      'stacks/demo.yaml:9:19 exposure.ports.jaeger.ui: expected a port number from 1 to 65535, or false, got "x"',
      'stacks/demo.yaml:12:15 apps[0].protocol: expected one of grpc, http, got "grpcx" (did you mean "grpc"?)',
    ]);
  });

  it('points a missing required field at its parent', async () => {
    expect(await problems('name: demo\n')).toEqual([
      'stacks/demo.yaml:1:1 backend: is required (one of signoz, jaeger, tempo)',
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const [first] = await problems('name: demo\nbackend: [jaeger\n');
    expect(first).toMatch(/^stacks\/demo\.yaml:\d+:\d+ /);
  });

  it('rejects duplicate keys instead of silently keeping the last', async () => {
    expect(await problems('name: demo\nbackend: jaeger\nbackend: tempo\n')).toEqual([
      'stacks/demo.yaml:3:1 Map keys must be unique',
    ]);
  });

  it('rejects an empty file and a file that is not a mapping', async () => {
    expect(await problems('')).toEqual(['stacks/demo.yaml:1:1 the stack file is empty']);
    expect(await problems('- a\n- b\n')).toEqual(['stacks/demo.yaml:1:1 expected a mapping, got a list']);
  });

  it('stops an alias bomb instead of expanding it', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]'];
    for (const c of 'cdefgh')
      bomb.push(
        `${c}: &${c} [${Array(10)
          .fill(`*${String.fromCharCode(c.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    const [first] = await problems(`${bomb.join('\n')}\n`);
    expect(first).toMatch(/alias/i);
  });

  it('says when the stack file cannot be read', async () => {
    const root = await testdir();
    await expect(loadStack(root, 'stacks/missing.yaml')).rejects.toThrow(
      'stacks/missing.yaml cannot read the stack file: no such file',
    );
  });

  it('locates errors of cross-field rules too', async () => {
    const text = stackYaml('exposure:\n  ports:\n    grafana: { ui: 9090 }\n');
    expect(await problems(text)).toEqual([
      'stacks/demo.yaml:5:20 exposure.ports.grafana.ui: host port 9090 is already used by exposure.ports.prometheus.ui',
    ]);
  });
});

describe("reading an app's own compose file", () => {
  const app = (extra: string) =>
    stackYaml(`apps:\n  - service: web\n    composeFile: app/compose.yaml\n${extra}`);

  it('keeps the networks the service already has, for the override to repeat', async () => {
    const root = await testdir({
      'app/compose.yaml': 'services:\n  web:\n    image: x\n    networks: [backend, frontend]\n',
    });
    const { stack } = await loadStackText(root, 'stacks/demo.yaml', app(''));
    expect(stack.apps[0]!.ownNetworks).toEqual(['backend', 'frontend']);
  });

  it('assumes the default network when the service lists none', async () => {
    const root = await testdir({ 'app/compose.yaml': 'services:\n  web:\n    image: x\n' });
    const { stack } = await loadStackText(root, 'stacks/demo.yaml', app(''));
    expect(stack.apps[0]!.ownNetworks).toEqual(['default']);
  });

  it('errors when the service is not in the compose file, suggesting the closest', async () => {
    const root = await testdir({
      'app/compose.yaml': 'services:\n  webb:\n    image: x\n  db:\n    image: y\n',
    });
    expect(await problems(app(''), root)).toEqual([
      'stacks/demo.yaml:4:14 apps[0].service: no service "web" in app/compose.yaml (services: webb, db) (did you mean "webb"?)',
    ]);
  });

  it('errors when the service uses host networking, which cannot join networks', async () => {
    const root = await testdir({
      'app/compose.yaml': 'services:\n  web:\n    image: x\n    network_mode: host\n',
    });
    const [first] = await problems(app(''), root);
    expect(first).toContain('apps[0].service: web uses network_mode: host in app/compose.yaml');
  });

  it('warns, and assumes the default network, when the compose file does not exist yet', async () => {
    const root = await testdir();
    const { stack, warnings } = await loadStackText(root, 'stacks/demo.yaml', app(''));
    expect(stack.apps[0]!.ownNetworks).toEqual(['default']);
    expect(warnings.map((w) => w.message)).toEqual([
      "app/compose.yaml does not exist (yet); the override assumes web is on its project's default network",
    ]);
  });
});

describe('the cache of parsed stack files (the bundle only)', () => {
  const text = 'name: demo\nbackend: jaeger\nexposure:\n  ports:\n    grafana: { ui: 4318 }\n';

  it('reuses what the same text parsed to, and still locates problems at their line', async () => {
    const root = await testdir();
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-parse-cache-'));
    const cache = ParsedStackCache.open('build-1', folder);
    const first = await loadStackText(root, 'stacks/demo.yaml', text, cache).catch((e: unknown) => e);
    expect(readdirSync(folder)).toHaveLength(1);
    // Taken from the cache the second time: the problem found after parsing still has its position.
    const second = await loadStackText(root, 'stacks/demo.yaml', text, cache).catch((e: unknown) => e);
    expect((second as Error).message).toBe((first as Error).message);
    expect((second as Error).message).toContain('stacks/demo.yaml:5:');

    // What the cache holds is what is used: an entry planted for this text proves the parse was skipped.
    const [entryFile] = readdirSync(folder);
    const entry = JSON.parse(readFileSync(path.join(folder, entryFile!), 'utf8')) as object;
    const planted = parseStack({ name: 'planted', backend: 'tempo' }).parsed;
    writeFileSync(path.join(folder, entryFile!), JSON.stringify({ ...entry, content: planted }));
    expect((await loadStackText(root, 'stacks/demo.yaml', text, cache)).stack.name).toBe('planted');
    // Another text, or another build, parses anew.
    const changed = `${text}# edited\n`;
    await expect(loadStackText(root, 'stacks/demo.yaml', changed, cache)).rejects.toThrow(
      'stacks/demo.yaml:5:',
    );
    const otherBuild = ParsedStackCache.open('build-2', folder);
    await expect(loadStackText(root, 'stacks/demo.yaml', text, otherBuild)).rejects.toThrow(
      'stacks/demo.yaml:5:',
    );
  });

  it('keeps nothing from source, or when YAML had a warning, or content JSON cannot give back', async () => {
    const root = await testdir();
    const folder = mkdtempSync(path.join(tmpdir(), 'stackgen-parse-cache-'));
    await loadStackText(
      root,
      'stacks/a.yaml',
      'name: a\nbackend: jaeger\n',
      ParsedStackCache.open(undefined, folder),
    );
    expect(readdirSync(folder)).toEqual([]);
    const cache = ParsedStackCache.open('b', folder);
    await loadStackText(
      root,
      'stacks/b.yaml',
      'name: b\nbackend: jaeger\nx-note: !custom text\n',
      cache,
    ).catch(() => {});
    expect(readdirSync(folder)).toEqual([]);
    for (const content of [{ n: Infinity }, { n: -0 }, { key: undefined }])
      cache.put('/c.yaml', 'c', content);
    expect(readdirSync(folder)).toEqual([]);
  });
});
