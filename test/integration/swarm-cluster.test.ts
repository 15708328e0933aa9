/**
 * The multi-node Docker Swarm the Swarm tests run on (issue #17), built by test/swarm/cluster.sh: three
 * real dockerd nodes, each in network and UTS namespaces of its own, joined over a bridge in a namespace of
 * its own. This suite checks the cluster itself does what those tests will rely on, with the stand-in
 * busybox image loaded into every node.
 *
 * Real: the engines, the swarm (raft, scheduling, node labels), the overlay network (VXLAN) between nodes,
 * Swarm's DNS (services in dnsrr endpoint mode), host-mode published ports. Not covered: VIP load balancing
 * and the ingress routing mesh, which need IPVS, which the kernels of these machines lack (no
 * /proc/net/ip_vs, and modules cannot be loaded); and encrypted overlays (no ESP in the kernel).
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { eventually } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';
import { swarmLab } from '../swarm/lab.js';

const LAB = '/tmp/stackgen-swarm-test';
const { cluster, goneFromNodes, node, runningOn } = swarmLab(LAB);

beforeAll(async () => {
  await buildStandins();
  await cluster('down');
  await cluster('up');
  await cluster('load', STANDINS.busybox);
}, 180_000);

afterAll(() => cluster('down'), 120_000);

const STACK = `services:
  web:
    image: ${STANDINS.busybox}
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-n2 > /www/index.html && exec httpd -f -p 8080 -h /www"]
    init: true
    networks: [net]
    ports: [{ target: 8080, published: 18080, mode: host }]
    deploy:
      endpoint_mode: dnsrr
      placement: { constraints: [node.labels.stackgen.node == n2] }
  client:
    image: ${STANDINS.busybox}
    command: ["sh", "-c", "while true; do timeout 2 wget -q -O /tmp/got http://web:8080/ && cat /tmp/got; sleep 1; done"]
    init: true
    networks: [net]
    deploy:
      endpoint_mode: dnsrr
      placement: { constraints: [node.labels.stackgen.node == n3] }
networks:
  net: { driver: overlay, attachable: true }
`;

describe.sequential('a real three-node swarm on this machine', () => {
  it('has three ready nodes with their own hostnames and labels, beside an untouched host engine', async () => {
    const nodes = (await node(1, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}}')).stdout.split('\n');
    expect(nodes.sort()).toEqual(['sgsw-n1 Ready', 'sgsw-n2 Ready', 'sgsw-n3 Ready']);
    const label = await node(
      1,
      'node',
      'inspect',
      'sgsw-n3',
      '--format',
      '{{index .Spec.Labels "stackgen.node"}}',
    );
    expect(label.stdout).toBe('n3');
    expect((await execa('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout).toBe(
      'inactive',
    );
  });

  it('places services on their labelled nodes, which reach each other by name over the overlay', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stackgen-swarm-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'stack.yaml'), STACK);
    const deploy = await node(
      1,
      'stack',
      'deploy',
      '--resolve-image',
      'never',
      '-c',
      path.join(dir, 'stack.yaml'),
      'smoke',
    );
    expect(deploy.exitCode, deploy.stderr).toBe(0);
    const placed = (service: string) => runningOn(`smoke_${service}`);
    // Each task starts on its own: the client can be running while web is still starting.
    const running = async () => {
      const states = await Promise.all([placed('web'), placed('client')]);
      return states.every((s) => s.includes('Running')) ? true : undefined;
    };
    await eventually(running, 60);
    expect(await placed('web')).toMatch(/^sgsw-n2 Running/);
    expect(await placed('client')).toMatch(/^sgsw-n3 Running/);
    // The client on n3 fetched from web on n2, by service name.
    const logs = await eventually(async () => {
      const out = await node(1, 'service', 'logs', 'smoke_client');
      return out.stdout.includes('hello-from-n2') ? out.stdout : undefined;
    }, 60);
    expect(logs).toContain('hello-from-n2');
  });

  it('lets a plain container on another node join the attachable overlay and reach a service by name', async () => {
    const run = await node(
      1,
      'run',
      '--rm',
      '--network',
      'smoke_net',
      STANDINS.busybox,
      'sh',
      '-c',
      'timeout 5 wget -q -O - http://web:8080/',
    );
    expect(run.stdout.trim(), run.stderr).toBe('hello-from-n2');
  });

  it("publishes a host-mode port on the node running the task, reached from the nodes' network", async () => {
    const got = await eventually(async () => {
      const out = await cluster(
        'hub',
        'timeout',
        '3',
        'wget',
        '-q',
        '-O',
        '-',
        'http://10.231.5.12:18080/',
      ).catch(() => undefined);
      return out?.stdout.trim() || undefined;
    }, 30);
    expect(got).toBe('hello-from-n2');
  });

  it('removes the stack from every node', async () => {
    expect((await node(1, 'stack', 'rm', 'smoke')).exitCode).toBe(0);
    // "stack rm" returns before the workers are done: each node is asked until nothing of the stack is left.
    await goneFromNodes('smoke', { all: true });
  });

  it('is gone after down: no process, mount, namespace or folder of it left', async () => {
    await cluster('down');
    expect(existsSync(LAB)).toBe(false);
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toMatch(/sgsw/);
    expect((await execa('cat', ['/proc/mounts'])).stdout).not.toContain(LAB);
    const commands = await Promise.all(
      (await readdir('/proc'))
        .filter((entry) => /^\d+$/.test(entry))
        .map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    expect(commands.filter((c) => c.includes(`${LAB}/`))).toEqual([]);
  });
});
