/**
 * The SigNoz preset against what SigNoz itself deploys: service by service, the facts recorded from
 * upstream in test/fixtures/upstream/signoz.yaml (Foundry's compose rendering, and SigNoz's last hand-kept
 * compose where Foundry says nothing). Only the differences listed there as deliberate may exist.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStack } from '../../src/model/load.js';
import { renderStack } from '../../src/render/plan.js';
import { ROOT } from '../helpers/golden.js';

interface ServiceFacts {
  image: string;
  oneShot?: boolean;
  ports?: number[];
  mounts?: string[];
  entrypoint?: string[];
  runs?: string[];
  environment?: Record<string, string>;
  healthcheck?: string[] | 'none';
  openFiles?: number;
  dependsOn: Record<string, string>;
}

interface Facts {
  releases: Record<string, string>;
  services: Record<string, ServiceFacts>;
  deliberate: { dependsOn: Record<string, Record<string, string>>; healthcheck: Record<string, string> };
}

interface ComposeService {
  image: string;
  restart?: string;
  ports?: { target: number }[];
  volumes?: (string | { target: string })[];
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ulimits?: { nofile?: { soft: number; hard: number } };
  depends_on?: Record<string, { condition: string }>;
}

const facts = parse(readFileSync(path.join(ROOT, 'test/fixtures/upstream/signoz.yaml'), 'utf8')) as Facts;

/** The preset, loaded and rendered once for all the tests below. */
const rendered = (async () => {
  const { stack } = await loadStack(ROOT, 'stacks/signoz.yaml');
  const compose = renderStack(stack).files.find((f) => f.path === 'compose.yaml')!;
  return {
    stack,
    services: (parse(compose.content) as { services: Record<string, ComposeService> }).services,
  };
})();

const repository = (image: string) => image.replace(/:[^/:]+$/, '');
const tag = (image: string) => image.match(/:([^/:]+)$/)?.[1];
const mountTarget = (v: string | { target: string }) => (typeof v === 'string' ? v.split(':')[1]! : v.target);

describe('the SigNoz preset against upstream', () => {
  it('has exactly the services SigNoz deploys (SQLite metastore: no database service)', async () => {
    const { services } = await rendered;
    expect(Object.keys(services).sort()).toEqual(Object.keys(facts.services).sort());
  });

  it('pins the current releases of each image', async () => {
    const { services } = await rendered;
    for (const [name, service] of Object.entries(services)) {
      expect(tag(service.image), name).toBe(facts.releases[repository(service.image)]);
    }
  });

  describe.each(Object.entries(facts.services))('%s', (name, upstream) => {
    it('matches the image, ports, mounts, commands, environment and healthcheck', async () => {
      const { stack, services } = await rendered;
      const ours = services[name]!;
      expect(repository(ours.image)).toBe(upstream.image);
      expect(stack.services.find((s) => s.name === name)!.oneShot).toBe(Boolean(upstream.oneShot));
      const ports = (ours.ports ?? []).map((p) => p.target);
      for (const port of upstream.ports ?? []) expect(ports, 'published container ports').toContain(port);
      const mounts = (ours.volumes ?? []).map(mountTarget);
      for (const mount of upstream.mounts ?? []) expect(mounts, 'mount targets').toContain(mount);
      if (upstream.entrypoint) expect(ours.entrypoint).toEqual(upstream.entrypoint);
      const command = [...(ours.entrypoint ?? []), ...(ours.command ?? [])].join(' ');
      for (const step of upstream.runs ?? []) expect(command, 'command').toContain(step);
      expect(ours.environment ?? {}).toMatchObject(upstream.environment ?? {});
      if (upstream.openFiles)
        expect(ours.ulimits?.nofile).toEqual({ soft: upstream.openFiles, hard: upstream.openFiles });
      if (upstream.healthcheck === 'none') expect(ours.healthcheck).toBeUndefined();
      else if (upstream.healthcheck) {
        const deliberate = (arg: string) =>
          Object.entries(facts.deliberate.healthcheck).reduce((a, [from, to]) => a.replace(from, to), arg);
        expect(ours.healthcheck?.test).toEqual(upstream.healthcheck.map(deliberate));
      }
    });

    it('starts after what upstream starts it after, and only the deliberate additions besides', async () => {
      const { services } = await rendered;
      const ours = Object.fromEntries(
        Object.entries(services[name]!.depends_on ?? {}).map(([dep, { condition }]) => [dep, condition]),
      );
      expect(ours).toEqual({
        ...upstream.dependsOn,
        ...Object.fromEntries(
          Object.keys(facts.deliberate.dependsOn[name] ?? {}).map((dep) => [dep, ours[dep]]),
        ),
      });
      for (const dep of Object.keys(facts.deliberate.dependsOn[name] ?? {})) {
        expect(ours[dep], `${name} → ${dep}`).toMatch(/^service_(healthy|completed_successfully)$/);
      }
    });
  });
});
