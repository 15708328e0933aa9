/**
 * What up would do to each service: the real docker CLI and compose (`docker compose config` needs no engine),
 * with DOCKER_HOST at a socket nothing listens on, so the project has no container.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Docker } from '../../src/docker/cli.js';
import { ComposeProject } from '../../src/docker/compose.js';
import type { Stack } from '../../src/model/normalize.js';
import { serviceChanges } from '../../src/runtime/service-plan.js';
import { testdir } from '../helpers/testdir.js';

const DOCKER: Docker = {
  compose: { file: 'docker', args: ['compose'] },
  composeVersion: '2',
  host: 'unix:///nonexistent/docker.sock',
  engineId: 'none',
  memTotal: 0,
};
const REFUSED = 'services:\n  web:\n    image: [not, an, image]\n';

let host: string | undefined;
beforeEach(() => {
  host = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = DOCKER.host;
});
afterEach(() => {
  if (host === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = host;
});

const project = async () =>
  new ComposeProject(DOCKER, { name: 'sgplan', output: 'deploy/sgplan' } as Stack, await testdir());

it('for up, says nothing of a project without containers, even when compose would refuse the file', async () => {
  // The hashes are asked beside the containers; compose's refusal must not surface as an unhandled rejection.
  await expect(serviceChanges(await project(), REFUSED, {}, { onlyWhenExisting: true })).resolves.toEqual([]);
});

it("for plan, reports compose's refusal of the file it would write", async () => {
  await expect(serviceChanges(await project(), REFUSED, {})).rejects.toThrow(
    /^docker compose config failed on the compose file stackgen would write: /,
  );
});

it('for plan, creates every service of a project without containers', async () => {
  const compose = 'services:\n  web:\n    image: busybox\n  db:\n    image: postgres\n';
  expect(await serviceChanges(await project(), compose, {})).toEqual([
    { service: 'db', action: 'create', reasons: [] },
    { service: 'web', action: 'create', reasons: [] },
  ]);
});
