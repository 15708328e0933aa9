/**
 * plan on a Swarm: what a deploy hands the swarm for each service (Docker's own stack loader, `docker stack
 * config`, on the golden swarm.yaml; no swarm needed), and what up would do against the record of the last
 * deploy. The record on a real swarm is in test/integration/swarm.test.ts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareDeployment,
  definitionsToDeploy,
  recordName,
  type Definition,
} from '../../src/runtime/swarm-plan.js';
import { GOLDEN } from '../helpers/golden.js';

const dir = path.join(GOLDEN, 'swarm');
const deployed = (env: Record<string, string> = {}) =>
  definitionsToDeploy({
    dir,
    files: ['swarm.yaml'],
    env: { STACKGEN_SECRETS_DIR: '/nowhere', GRAFANA_ADMIN_PASSWORD_SHA: 'aaaaaaaaaaaa', ...env },
  });

describe('the definitions a deploy hands the swarm', () => {
  it('name each config and secret a service uses, never the file it is made from', async () => {
    const definitions = await deployed();
    expect(Object.keys(definitions).sort()).toEqual([
      'grafana',
      'loki',
      'otel-collector',
      'prometheus',
      'tempo',
      'tempo-init',
    ]);
    const grafana = definitions.grafana as { secrets: object[]; configs: { name: string }[] };
    expect(grafana.secrets).toEqual([
      {
        source: 'GRAFANA_ADMIN_PASSWORD',
        target: 'GRAFANA_ADMIN_PASSWORD',
        name: 'cluster_grafana_admin_password_aaaaaaaaaaaa',
      },
    ]);
    for (const config of grafana.configs) expect(config.name).toMatch(/^cluster_grafana-.*_[0-9a-f]{12}$/);
    expect(JSON.stringify(definitions)).not.toContain('/nowhere');
  });

  it('differ, after a secret changed, in the services that read it only', async () => {
    const before = await deployed();
    const after = await deployed({ GRAFANA_ADMIN_PASSWORD_SHA: 'bbbbbbbbbbbb' });
    const changes = compareDeployment(after, Object.keys(before), before);
    expect(changes.filter((c) => c.action === 'update')).toEqual([
      { service: 'grafana', action: 'update', reasons: ['secrets GRAFANA_ADMIN_PASSWORD'] },
    ]);
    // Tempo's volume init is a job, which Swarm runs again at every deploy.
    expect(changes.find((c) => c.service === 'tempo-init')?.action).toBe('rerun');
    expect(changes.filter((c) => c.action === 'unchanged').map((c) => c.service)).toEqual([
      'loki',
      'otel-collector',
      'prometheus',
      'tempo',
    ]);
  });
});

describe('what up would do to each service on the swarm', () => {
  const web: Definition = {
    image: 'web:1',
    environment: { A: '1', B: '2' },
    command: ['serve'],
    deploy: { replicas: 1 },
  };

  it('says what differs from the last deploy: image, environment variables, other keys', () => {
    const planned = {
      web: { ...web, image: 'web:2', environment: { A: '1', C: '3' }, command: ['run'], user: '1000' },
    };
    expect(compareDeployment(planned, ['web'], { web })).toEqual([
      {
        service: 'web',
        action: 'update',
        reasons: ['environment B, C', 'image web:1 → web:2', 'command, user changed'],
      },
    ]);
  });

  it('creates what does not run, removes what runs but is no longer planned, leaves what is the same', () => {
    const changes = compareDeployment({ web, api: web }, ['web', 'old'], { web, old: web });
    expect(changes).toEqual([
      { service: 'api', action: 'create', reasons: [] },
      { service: 'web', action: 'unchanged', reasons: [] },
      { service: 'old', action: 'remove', reasons: ['no longer in the stack (the deploy prunes it)'] },
    ]);
  });

  it('cannot tell for a service deployed without a record of stackgen, and says so', () => {
    expect(compareDeployment({ web }, ['web'], undefined)).toEqual([
      {
        service: 'web',
        action: 'update',
        reasons: ['no record of its last deploy by stackgen: Swarm updates it if its definition changed'],
      },
    ]);
  });
});

describe('the record of a deploy', () => {
  it('is named by its content, within the length Swarm allows, for the longest stack name too', () => {
    expect(recordName('obs', '{}')).toMatch(/^obs_stackgen-deployed_[0-9a-f]{12}$/);
    expect(recordName('obs', '{}')).not.toBe(recordName('obs', '{"a":1}'));
    const longest = recordName('a'.repeat(40), '{}');
    expect(longest.length).toBe(63);
    expect(longest).toMatch(/^a{40}_stackgen-_[0-9a-f]{12}$/);
  });
});
