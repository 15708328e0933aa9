/** Where the project is: light on purpose, the CLI needs it before loading any command. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const STACKS_DIR = 'stacks';

/**
 * The project root for a command run in `start`: the nearest folder up that holds `stacks/`, as git finds
 * its repository from a subfolder, without crossing into another repository; `start` itself when none does.
 */
export function findProjectRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isFolder(path.join(dir, STACKS_DIR))) return dir;
    if (existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return path.resolve(start);
  }
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
