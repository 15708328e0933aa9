#!/usr/bin/env node
/**
 * Runs stackgen's bundle (dist/main.cjs, made by scripts/build.ts). Compiling its megabyte and a half of JavaScript
 * would take longer than most commands take to run, so the code V8 compiled is kept in the user's cache
 * folder and handed back to V8 at the next run: one file per build, node version and command (each command
 * compiles functions of its own). V8 refuses code that does not match its version and flags; the build id
 * in the name keeps another build's code away (V8 compares only the script's length). Losing the file only
 * costs time, and any failure to read or keep it is ignored (src/cache-folder.ts writes and prunes).
 */
'use strict';
// CommonJS (bin/package.json says so): node starts a CommonJS script a few milliseconds sooner than a module.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { homedir } = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const bundle = path.join(__dirname, '../dist/main.cjs');
const args = process.argv.slice(2);
const keptFile = codeCacheFile();
const kept = attempt(() => keptFile && readFileSync(keptFile));

// The bundle is ASCII only (scripts/build.ts checks): read as Latin-1, the quickest way to a string.
const script = new vm.Script(Module.wrap(readFileSync(bundle, 'latin1')), {
  filename: bundle,
  cachedData: kept,
});
const cli = { exports: {} };
script.runInThisContext()(cli.exports, Module.createRequire(bundle), cli, bundle, path.dirname(bundle));
cli.exports.main(args).then((exitCode) => {
  process.exitCode = exitCode;
  // After the run, so that the functions it compiled on the way are kept too; only of a run from
  // stackgen's own caches, the common case (missedCache in src/cache-folder.ts says why).
  if (keptFile && (!kept || script.cachedDataRejected) && !cli.exports.missedCache()) {
    attempt(() => cli.exports.writeCacheEntry(keptFile, script.createCachedData()));
  }
  // The run is over: end once stdout and stderr have taken all that was written, rather than when the last
  // socket a finished fetch keeps open lets go (tens of milliseconds after up, verify).
  cli.exports.afterOutput(() => process.exit());
});

/** Where this build's compiled code for this command is kept: in cacheFolder() of src/cache-folder.ts. */
function codeCacheFile() {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : undefined);
  const build = attempt(() => readFileSync(path.join(__dirname, '../dist/build-id'), 'utf8').trim());
  if (!base || !build) return undefined;
  const command = commandOf(args);
  return path.join(base, 'stackgen', `code-${build}-${process.version}-${process.arch}-${command}.bin`);
}

/** The command the arguments name, after the one global option (`-C <dir>`, `--cwd <dir>`, `--cwd=<dir>`). */
function commandOf(argv) {
  let i = 0;
  for (;;) {
    if (argv[i] === '-C' || argv[i] === '--cwd') i += 2;
    else if (/^(-C.|--cwd=)/.test(argv[i] ?? '')) i += 1;
    else break;
  }
  return /^[a-z]+$/.test(argv[i] ?? '') ? argv[i] : 'other';
}

function attempt(action) {
  try {
    return action();
  } catch {
    return undefined;
  }
}
