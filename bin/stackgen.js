#!/usr/bin/env node
/**
 * Runs stackgen's bundle (dist/main.cjs, made by scripts/build.ts). Compiling its megabyte and a half of JavaScript
 * would take longer than most commands take to run, so the code V8 compiled is kept in the user's cache
 * folder and handed back to V8 at the next run: one file per build, node version and command (each command
 * compiles functions of its own). V8 refuses code that does not match its version and flags; the build id
 * in the name keeps another build's code away (V8 compares only the script's length). Losing the file only
 * costs time, and any failure to read or keep it is ignored (src/cache-folder.ts writes and prunes).
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/main.cjs', import.meta.url));
const args = process.argv.slice(2);
const keptFile = codeCacheFile();
const kept = attempt(() => keptFile && readFileSync(keptFile));

// The bundle is ASCII only (scripts/build.ts checks): read as Latin-1, the quickest way to a string.
const script = new vm.Script(Module.wrap(readFileSync(bundle, 'latin1')), {
  filename: bundle,
  cachedData: kept,
});
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
process.exitCode = await module.exports.main(args);

// After the run, so that the functions it compiled on the way are kept too.
if (keptFile && (!kept || script.cachedDataRejected)) {
  attempt(() => module.exports.writeCacheEntry(keptFile, script.createCachedData()));
}

// The run is over: end once stdout and stderr have taken all that was written, rather than when the last
// socket a finished fetch keeps open lets go (tens of milliseconds after up, verify).
process.stdout.write('', () => process.stderr.write('', () => process.exit()));

/** Where this build's compiled code for this command is kept: in cacheFolder() of src/cache-folder.ts. */
function codeCacheFile() {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : undefined);
  const build = attempt(() => readFileSync(new URL('../dist/build-id', import.meta.url), 'utf8').trim());
  if (!base || !build) return undefined;
  const command = /^[a-z]+$/.test(args[0] ?? '') ? args[0] : 'other';
  return path.join(base, 'stackgen', `code-${build}-${process.version}-${process.arch}-${command}.bin`);
}

function attempt(action) {
  try {
    return action();
  } catch {
    return undefined;
  }
}
