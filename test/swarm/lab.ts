/** A three-node swarm of cluster.sh, as the Swarm suites drive it: the script, and docker on each node. */
import { execa } from 'execa';
import path from 'node:path';
import { eventually } from '../integration/helpers.js';

const CLUSTER = path.resolve(import.meta.dirname, 'cluster.sh');

/**
 * `lab` is the folder under /tmp the nodes keep their state in; one per suite. With `pull`, the nodes pull
 * images as Swarm nodes do (then only from the lab's registry); else they run images as loaded on them.
 */
export function swarmLab(lab: string, options: { pull?: boolean } = {}) {
  const env = { SWARM_LAB: lab, SWARM_NODES: '3', SWARM_PULL: options.pull ? '1' : '' };
  const node = (n: number, ...args: string[]) =>
    execa('docker', ['-H', `unix://${lab}/n${n}/docker.sock`, ...args], { reject: false });
  return {
    cluster: (...args: string[]) => execa('bash', [CLUSTER, ...args], { env }),
    /** A command in the bridge's namespace, which reaches every node's address; its exit code is kept. */
    hub: (...args: string[]) => execa('bash', [CLUSTER, 'hub', ...args], { env, reject: false }),
    node,
    manager: `unix://${lab}/n1/docker.sock`,
    /**
     * Until no node has a running container (with `all`, any container) or a network of `stack`: a stack
     * removed from the manager leaves the workers a moment later. Fails after 60 s.
     */
    goneFromNodes: async (stack: string, options: { all?: boolean } = {}) => {
      const filter = ['--filter', `label=com.docker.stack.namespace=${stack}`];
      for (const n of [1, 2, 3]) {
        await eventually(async () => {
          const containers = (await node(n, 'ps', options.all ? '-aq' : '-q', ...filter)).stdout;
          const networks = (await node(n, 'network', 'ls', '-q', ...filter)).stdout;
          return containers === '' && networks === '' ? true : undefined;
        }, 60);
      }
    },
    /** The nodes running the tasks a service wants running, as the manager lists them. */
    runningOn: async (service: string) =>
      (
        await node(
          1,
          'service',
          'ps',
          service,
          '--filter',
          'desired-state=running',
          '--format',
          '{{.Node}} {{.CurrentState}}',
        )
      ).stdout,
  };
}
