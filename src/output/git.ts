/**
 * Asks git itself whether files are ignored, so that stackgen says "git-ignored" only when it is true:
 * a .gitignore line does not protect a file git already tracks, or one a later `!` line un-ignores.
 */
import path from 'node:path';

/** Per file (relative to root): true ignored, false not ignored, undefined when git cannot tell. */
export async function gitIgnored(root: string, files: string[]): Promise<Map<string, boolean | undefined>> {
  const answers = new Map<string, boolean | undefined>(files.map((f) => [f, undefined]));
  if (files.length === 0) return answers;
  const { execa } = await import('execa');
  // Exit 0: some are ignored (listed), 1: none is, 128: not a repository or no git.
  const result = await execa('git', ['check-ignore', '--', ...files], { cwd: root, reject: false });
  if (result.exitCode !== 0 && result.exitCode !== 1) return answers;
  const listed = new Set(
    String(result.stdout ?? '')
      .split('\n')
      .filter(Boolean)
      .map((f) => path.posix.normalize(f)),
  );
  for (const file of files) answers.set(file, listed.has(path.posix.normalize(file)));
  return answers;
}
