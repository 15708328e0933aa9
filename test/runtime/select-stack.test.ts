import { describe, expect, it } from 'vitest';
import { down } from '../../src/commands/down.js';
import { selectStack } from '../../src/runtime/select-stack.js';
import { captureIo, stackYaml, testdir } from '../helpers/testdir.js';

describe('choosing the stack a runtime command acts on', () => {
  it('takes the only stack in stacks/', async () => {
    const cwd = await testdir({ 'stacks/one.yaml': stackYaml('', 'one') });
    expect((await selectStack(cwd, captureIo(), undefined, 'up')).stack.name).toBe('one');
  });

  it('takes a stack by name or by file', async () => {
    const cwd = await testdir({
      'stacks/a.yaml': stackYaml('', 'alpha'),
      'stacks/b.yaml': stackYaml('', 'beta'),
    });
    expect((await selectStack(cwd, captureIo(), 'beta', 'up')).stack.name).toBe('beta');
    expect((await selectStack(cwd, captureIo(), 'stacks/a.yaml', 'up')).stack.name).toBe('alpha');
  });

  it('names the stacks when there are several and nobody can be asked', async () => {
    const cwd = await testdir({
      'stacks/a.yaml': stackYaml('', 'alpha'),
      'stacks/b.yaml': stackYaml('', 'beta'),
    });
    await expect(selectStack(cwd, captureIo(), undefined, 'status')).rejects.toThrow(
      'stacks/ holds several stacks (alpha, beta): name one, e.g. "stackgen status alpha"',
    );
    await expect(selectStack(cwd, captureIo(), 'bta', 'up')).rejects.toThrow(
      'no stack named "bta" in stacks/ (stacks: alpha, beta) (did you mean "beta"?)',
    );
  });

  it('asks on a terminal', async () => {
    const cwd = await testdir({
      'stacks/a.yaml': stackYaml('', 'alpha'),
      'stacks/b.yaml': stackYaml('', 'beta'),
    });
    const questions: string[] = [];
    const io = { ...captureIo(), ask: async (q: string) => (questions.push(q), 'beta\n') };
    expect((await selectStack(cwd, io, undefined, 'up')).stack.name).toBe('beta');
    expect(questions).toEqual(['Which stack? (alpha, beta): ']);
  });
});

describe('down --volumes', () => {
  it('needs --yes when nobody can be asked', async () => {
    const cwd = await testdir({ 'stacks/one.yaml': stackYaml('', 'one') });
    await expect(down({ cwd, io: captureIo(), stack: undefined, volumes: true, yes: false })).rejects.toThrow(
      "--volumes deletes the stack's data; add --yes to confirm when not on a terminal",
    );
  });

  it('removes nothing when the answer is not yes', async () => {
    const cwd = await testdir({ 'stacks/one.yaml': stackYaml('', 'one') });
    const questions: string[] = [];
    const io = { ...captureIo(), ask: async (q: string) => (questions.push(q), 'n') };
    await expect(down({ cwd, io, stack: undefined, volumes: true, yes: false })).rejects.toThrow(
      'nothing was removed',
    );
    expect(questions).toEqual([
      'Delete the data volumes of one (one_jaeger-data, one_prometheus-data, one_grafana-data)? [y/N] ',
    ]);
  });
});
