/**
 * target: swarm with its images in a private registry (issue #17), as clusters that pull run it: the image
 * check before the deploy, your docker login handed to the nodes (swarm.registryAuth), and each service
 * pinned to the digest the registry had (swarm.resolveImage: always, the default).
 *
 * Real: three dockerd nodes that pull as Swarm nodes do (test/swarm/cluster.sh with SWARM_PULL=1), a
 * Docker registry with htpasswd authentication (Debian's docker-registry, the distribution project's
 * registry) in the lab's own network namespace, docker login, push and the nodes' pulls, docker stack
 * deploy with --with-registry-auth and its digest resolution. Stand-ins (fakes, see standins/README.md):
 * what the images run (the collector, Jaeger, Prometheus, Grafana). Every image of the stack is the
 * registry's; nothing outside the lab is asked.
 */
import bcrypt from 'bcryptjs';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, stackgenIn } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';
import { swarmLab } from '../swarm/lab.js';

const LAB = '/tmp/stackgen-swarm-registry';
const { cluster, goneFromNodes, node, manager: MANAGER } = swarmLab(LAB, { pull: true });
const NAME = 'sgswreg';
const REGISTRY = '10.231.5.1:5000';
const IMAGES = {
  collector: STANDINS.collector,
  jaeger: STANDINS.jaeger,
  prometheus: STANDINS.prometheus,
  grafana: STANDINS.grafana,
};
/** Each stand-in as the registry has it. */
const pushed = (name: keyof typeof IMAGES) => `${REGISTRY}/standin/${name}:test`;

let secrets: string | undefined;
let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;
/** Your machine: DOCKER_HOST at the manager, the CLI's config holding the docker login. */
const onSwarm = (args: string[]) =>
  stackgen(args, { DOCKER_HOST: MANAGER, DOCKER_CONFIG: path.join(secrets!, 'docker') });
const digests = new Map<string, string>();

beforeAll(async () => {
  await buildStandins();
  await cluster('down');
  await cluster('up');
  secrets = await mkdtemp(path.join(tmpdir(), 'stackgen-registry-'));
  await writeFile(path.join(secrets, 'htpasswd'), `lab:${bcrypt.hashSync('lab-password', 10)}\n`);
  await cluster('registry', path.join(secrets, 'htpasswd'));
  const docker = (...args: string[]) =>
    execa('docker', ['-H', MANAGER, ...args], { env: { DOCKER_CONFIG: path.join(secrets!, 'docker') } });
  await execa('sh', ['-c', `docker save ${Object.values(IMAGES).join(' ')} | docker -H ${MANAGER} load`]);
  const login = await execa('docker', ['-H', MANAGER, 'login', '-u', 'lab', '--password-stdin', REGISTRY], {
    input: 'lab-password',
    env: { DOCKER_CONFIG: path.join(secrets, 'docker') },
  });
  expect(login.stdout).toContain('Login Succeeded');
  for (const [name, image] of Object.entries(IMAGES) as [keyof typeof IMAGES, string][]) {
    await docker('tag', image, pushed(name));
    const push = await docker('push', pushed(name));
    digests.set(name, /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1]!);
  }
  // No node has them now: each pulls what it runs.
  await docker(
    'image',
    'rm',
    ...Object.values(IMAGES),
    ...Object.keys(IMAGES).map((n) => pushed(n as never)),
  );
  await node(1, 'node', 'update', '--label-add', 'stackgen.data=true', 'sgsw-n2');
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: jaeger
target: swarm
swarm:
  endpointMode: dnsrr
images:
  overrides:
    otel-collector: ${pushed('collector')}
    jaeger: ${pushed('jaeger')}
    prometheus: ${pushed('prometheus')}
    grafana: ${pushed('grafana')}
`,
  });
  stackgen = stackgenIn(project);
  const generate = await stackgen(['generate']);
  expect(generate.exitCode, generate.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await cluster('down');
  for (const folder of [project, secrets]) if (folder) await rm(folder, { recursive: true, force: true });
}, 120_000);

const file = () => path.join(project!, `stacks/${NAME}.yaml`);
async function editStack(edit: (text: string) => string): Promise<void> {
  await writeFile(file(), edit(await readFile(file(), 'utf8')));
  const generate = await stackgen(['generate']);
  expect(generate.exitCode, generate.stderr).toBe(0);
}
const taskIds = async (service: string) =>
  (await node(1, 'service', 'ps', '-q', '--filter', 'desired-state=running', `${NAME}_${service}`)).stdout;
const nodeImages = async (n: number) =>
  (await node(n, 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')).stdout.split('\n');

describe.sequential('the Jaeger stack pulled from a private registry by a real three-node swarm', () => {
  it('refuses before deploying when the nodes cannot pull without your login, saying what to set', async () => {
    const up = await onSwarm(['up', '--wait-timeout', '120']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(`nodes have neither loaded nor could pull images of ${NAME}: `);
    // The collector may run on any node; the data services only on the labelled one.
    expect(up.stderr).toContain(`${pushed('collector')} on sgsw-n1, sgsw-n2, sgsw-n3 (otel-collector)`);
    expect(up.stderr).toContain(`${pushed('jaeger')} on sgsw-n2 (jaeger)`);
    expect(up.stderr).toContain(
      '(a private one needs your docker login and swarm.registryAuth: true); or load them on the nodes (docker load). Nothing was deployed',
    );
    expect(up.stderr).not.toContain('Deploying');
    expect((await node(1, 'service', 'ls', '-q')).stdout).toBe('');
  });

  it('with swarm.registryAuth the nodes pull with your login, and each service runs the digest pushed', async () => {
    await editStack((text) =>
      text.replace('  endpointMode: dnsrr\n', '  endpointMode: dnsrr\n  registryAuth: true\n'),
    );
    const up = await onSwarm(['up', '--wait-timeout', '180']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain(`${NAME} is up on the swarm (4 services`);
    // Pulled from the registry by the node that runs them; the collector's image by every node (the check
    // before the deploy tries it wherever the collector may run).
    expect(await nodeImages(2)).toEqual(
      expect.arrayContaining(Object.keys(IMAGES).map((n) => pushed(n as never))),
    );
    for (const n of [1, 3]) expect(await nodeImages(n)).toEqual([pushed('collector')]);
    for (const [service, name] of [
      ['otel-collector', 'collector'],
      ['jaeger', 'jaeger'],
      ['grafana', 'grafana'],
    ] as const) {
      const image = await node(
        1,
        'service',
        'inspect',
        `${NAME}_${service}`,
        '--format',
        '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
      );
      expect(image.stdout).toBe(`${pushed(name)}@${digests.get(name)}`);
    }
  });

  it('refuses a tag the registry lacks before deploying, and leaves the running stack as it was', async () => {
    const running = await taskIds('grafana');
    const absent = `${REGISTRY}/standin/grafana:absent`;
    await editStack((text) => text.replace(`grafana: ${pushed('grafana')}`, `grafana: ${absent}`));
    const up = await onSwarm(['up', '--wait-timeout', '120']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(
      `nodes have neither loaded nor could pull images of ${NAME}: ${absent} on sgsw-n2 (grafana). Check the names, and that the registry has them and the nodes reach it with your docker login; or load them on the nodes (docker load). Nothing was deployed`,
    );
    expect(await taskIds('grafana')).toBe(running);
    expect((await node(1, 'service', 'ls', '--format', '{{.Name}}')).stdout).not.toContain('image-probe');
    await editStack((text) => text.replace(absent, pushed('grafana')));
  });

  it('goes down, leaving nothing of the stack on any node', async () => {
    const down = await onSwarm(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    await goneFromNodes(NAME);
    expect((await node(1, 'service', 'ls', '-q')).stdout).toBe('');
  });
});
