import { execFileSync } from 'node:child_process';

/** The CLI tests run bin/stackgen.js as users do, so dist/ must match src/. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
