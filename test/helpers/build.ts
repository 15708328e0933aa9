import { execFileSync } from 'node:child_process';

/** The CLI tests run bin/stackgen.js as users do, so dist/ must match src/. */
export default function setup(): void {
  execFileSync('npx', ['tsx', 'scripts/build.ts'], { stdio: 'inherit' });
}
