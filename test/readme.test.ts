/** README.md stays honest: its stack reference is the generated one, and every command and flag is in it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeWithReference } from '../scripts/stack-reference.js';
import { buildProgram } from '../src/cli.js';
import { captureIo } from './helpers/testdir.js';

const README = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

describe('README.md', () => {
  it('holds the current stack file reference (npm run docs:generate)', () => {
    expect(README).toBe(readmeWithReference(README));
  });

  it('documents every command and every flag', () => {
    const program = buildProgram(captureIo());
    for (const command of program.commands) {
      expect(README, `command ${command.name()}`).toContain(`stackgen ${command.name()}`);
      for (const option of command.options) {
        if (option.long === '--help') continue;
        // The command's row of the command table.
        const row = README.split('\n').find((l) =>
          new RegExp(`^\\| \`stackgen ${command.name()}[ \`]`).test(l),
        );
        expect(row, `${command.name()} ${option.long}`).toContain(option.long);
      }
    }
    for (const option of program.options) expect(README, option.long).toContain(option.long!);
  });

  it('gives the two set-up commands that CI runs', () => {
    expect(README).toContain('npm ci && git init -q demo && npx stackgen -C demo init --backend jaeger');
    expect(README).toContain('npm ci && npm run test:ci');
    expect(readFileSync(path.resolve(import.meta.dirname, '../.ci/run'), 'utf8')).toContain(
      'npm ci && npm run test:ci',
    );
  });
});
