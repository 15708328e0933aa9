import { chmod, mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { planOfObject } from '../helpers/plan.js';
import { describe, expect, it } from 'vitest';
import { envKeys, gitignoreChange, randomSecret, secretsChanges } from '../../src/output/secrets.js';
import { testdir } from '../helpers/testdir.js';

const plan = () => planOfObject({ name: 'demo', backend: 'jaeger' });

describe('stack secrets', () => {
  it('creates .env with a random value and git-ignores it', async () => {
    const root = await testdir({ '.gitignore': 'node_modules/' });
    const { changes, created, ignore } = await secretsChanges(root, await plan());
    expect(created).toEqual(['GRAFANA_ADMIN_PASSWORD', 'STACKGEN_ENV_ID']);
    expect(changes.map((c) => path.relative(root, c.path))).toEqual(['deploy/demo/.env']);
    expect(changes[0]!.content).toMatch(/^GRAFANA_ADMIN_PASSWORD=[A-Za-z0-9_-]{24}-Aa1$/m);
    expect(changes[0]!.mode).toBe(0o600);
    expect(ignore).toEqual(['/deploy/demo/.env']);
    expect((await gitignoreChange(root, ignore))?.content).toBe(
      'node_modules/\n# Secrets written by stackgen\n/deploy/demo/.env\n',
    );
  });

  it('never replaces a value, and adds nothing when every secret is there', async () => {
    const root = await testdir({ 'deploy/demo/.env': 'GRAFANA_ADMIN_PASSWORD=mine\nSTACKGEN_ENV_ID=x\n' });
    await chmod(path.join(root, 'deploy/demo/.env'), 0o600);
    // The .gitignore line is asked for even so: a lost one comes back.
    expect(await secretsChanges(root, await plan())).toEqual({
      changes: [],
      created: [],
      ignore: ['/deploy/demo/.env'],
      tightened: false,
    });
  });

  it('narrows an existing .env that others can read to 0600, keeping its content', async () => {
    const root = await testdir({ 'deploy/demo/.env': 'GRAFANA_ADMIN_PASSWORD=mine\nSTACKGEN_ENV_ID=x\n' });
    await chmod(path.join(root, 'deploy/demo/.env'), 0o644);
    const { changes, tightened } = await secretsChanges(root, await plan());
    expect(tightened).toBe(true);
    expect(changes).toEqual([
      {
        path: path.join(root, 'deploy/demo/.env'),
        content: 'GRAFANA_ADMIN_PASSWORD=mine\nSTACKGEN_ENV_ID=x\n',
        mode: 0o600,
      },
    ]);
  });

  it('refuses an empty secret, located in the .env', async () => {
    const root = await testdir({ 'deploy/demo/.env': '# mine\nGRAFANA_ADMIN_PASSWORD=\n' });
    await expect(secretsChanges(root, await plan())).rejects.toThrow(
      'deploy/demo/.env:2:1 GRAFANA_ADMIN_PASSWORD: is empty; set a value, or delete the line and stackgen generates a random one',
    );
  });

  it('never reads or appends to a .env that is a symbolic link', async () => {
    const root = await testdir({ 'credentials.txt': 'AWS_SECRET_ACCESS_KEY=verysecret\n' });
    await mkdir(path.join(root, 'deploy/demo'), { recursive: true });
    await symlink(path.join(root, 'credentials.txt'), path.join(root, 'deploy/demo/.env'));
    const attempt = secretsChanges(root, await plan());
    await expect(attempt).rejects.toThrow(/^deploy\/demo\/\.env is a symbolic link; stackgen keeps/);
    await expect(secretsChanges(root, await plan()).catch((e: Error) => e.message)).resolves.not.toContain(
      'verysecret',
    );
  });

  it('does not write through a .gitignore that is a symbolic link', async () => {
    const root = await testdir({ 'elsewhere/ignore': 'x\n' });
    await symlink(path.join(root, 'elsewhere/ignore'), path.join(root, '.gitignore'));
    await expect(gitignoreChange(root, ['/deploy/demo/.env'])).rejects.toThrow(
      '.gitignore is a symbolic link; stackgen does not write through it. Make it a file holding these lines: /deploy/demo/.env',
    );
  });

  it('appends a missing secret to an existing .env, keeping what is there', async () => {
    const root = await testdir({ 'deploy/demo/.env': 'OTHER=1' });
    const { changes } = await secretsChanges(root, await plan());
    expect(changes).toHaveLength(1);
    expect(changes[0]!.content).toMatch(
      /^OTHER=1\n# Password of the Grafana user "admin"\.\nGRAFANA_ADMIN_PASSWORD=\S{28}\n# Which \.env this is .*\nSTACKGEN_ENV_ID=[0-9a-f-]{36}\n$/,
    );
  });

  it('makes secrets compose will not interpolate, and passwords that password rules accept', async () => {
    for (let i = 0; i < 50; i++) expect(randomSecret()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomSecret('password')).toMatch(/^[A-Za-z0-9_-]{24}-Aa1$/);
    expect(new Set(Array.from({ length: 50 }, randomSecret)).size).toBe(50);
  });

  it('reads keys of dotenv files, with export and comments', async () => {
    expect([...envKeys('# c\nA=1\nexport B = 2\n  C=\nnot a line\n')]).toEqual(['A', 'B', 'C']);
  });

  it('leaves a .gitignore that already ignores the file alone', async () => {
    const root = await testdir({ '.gitignore': 'deploy/demo/.env\n' });
    expect(await gitignoreChange(root, ['/deploy/demo/.env'])).toBeUndefined();
    const fresh = await testdir();
    const change = await gitignoreChange(fresh, ['/x/.env', '/y/.env', '/x/.env']);
    expect(change?.content).toBe('# Secrets written by stackgen\n/x/.env\n/y/.env\n');
    expect(await readFile(path.join(fresh, '.gitignore'), 'utf8').catch(() => 'absent')).toBe('absent');
  });
});
