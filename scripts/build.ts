/**
 * npm run build: bundles the CLI into dist/ with esbuild, with the work every run would otherwise repeat
 * done here once: the templates are checked and precompiled, and the compose-spec validator is compiled
 * to standalone code. Four modules of src/ are swapped for what they compute (their own comments say so);
 * everything else is bundled as written, into one CommonJS script that bin/stackgen.js runs.
 */
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { AJV_OPTIONS, composeSchema } from '../src/check/compose-validator.js';
import { assertValuesEscaped, COMPILE_OPTIONS, templateSources } from '../src/render/template-source.js';
import { ESCAPER_NAMES } from '../src/render/templates.js';
import { sectionDefaults } from '../src/model/section-defaults.js';
import { stackJsonSchema } from '../src/model/stack-json-schema.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** src/render/template-source.ts, as the bundle has it: every template checked and precompiled. */
function precompiledTemplates(): string {
  const specs = templateSources().map(([name, source]) => {
    assertValuesEscaped(name, source, ESCAPER_NAMES);
    return `  ${JSON.stringify(name)}: ${Handlebars.precompile(source, COMPILE_OPTIONS) as string},`;
  });
  return `import Handlebars from 'handlebars/runtime.js';
const SPECS = {
${specs.join('\n')}
};
export function compileTemplates(helpers) {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) hbs.registerHelper(name, helper);
  const templates = new Map();
  for (const [name, spec] of Object.entries(SPECS)) {
    const template = hbs.template(spec);
    templates.set(name, template);
    hbs.registerPartial(name, template);
  }
  return templates;
}
`;
}

/** src/check/compose-validator.ts, as the bundle has it: the validator Ajv compiled, as code. */
function standaloneComposeValidator(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const code = standalone.default(ajv, ajv.compile(composeSchema()));
  return `${code}\nexport function composeValidator() { return validate; }\n`;
}

/** src/model/stack-json-schema.ts, as the bundle has it: the schema converted from the zod model. */
function convertedJsonSchema(): string {
  return `const SCHEMA = ${JSON.stringify(stackJsonSchema())};\nexport function stackJsonSchema() { return SCHEMA; }\n`;
}

/** src/model/section-defaults.ts, as the bundle has it: the defaults as data, so that zod stays unloaded. */
function sectionDefaultsAsData(): string {
  const defaults = sectionDefaults();
  const text = JSON.stringify(defaults);
  if (!isDeepStrictEqual(JSON.parse(text), defaults)) throw new Error('section defaults do not survive JSON');
  return `const TEXT = ${JSON.stringify(text)};\nexport function sectionDefaults() { return JSON.parse(TEXT); }\n`;
}

const precomputed: Plugin = {
  name: 'precomputed',
  setup(esbuild) {
    const swaps: Record<string, () => string> = {
      [path.join(ROOT, 'src/render/template-source.ts')]: precompiledTemplates,
      [path.join(ROOT, 'src/check/compose-validator.ts')]: standaloneComposeValidator,
      [path.join(ROOT, 'src/model/stack-json-schema.ts')]: convertedJsonSchema,
      [path.join(ROOT, 'src/model/section-defaults.ts')]: sectionDefaultsAsData,
    };
    esbuild.onLoad(
      { filter: /(template-source|compose-validator|stack-json-schema|section-defaults)\.ts$/ },
      (args) => {
        const swap = swaps[args.path];
        return swap ? { contents: swap(), loader: 'js', resolveDir: path.dirname(args.path) } : undefined;
      },
    );
  },
};

/**
 * commander's lib/command.js requires node:child_process as it loads, for executable subcommands, which
 * stackgen has none of; loading that module costs every run about 2 ms. In the bundle, commander gets it on
 * first use. The build fails if commander stops requiring it this way, so this is looked at again then.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = "require('node:child_process')";
      if (!source.includes(eager))
        throw new Error(`${args.path} no longer holds ${eager}: see lazyChildProcess`);
      const lazy = "new Proxy({}, { get: (_, key) => require('node:child_process')[key] })";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

/** A hash of everything the bundle is made of, so caches keyed by it (check-cache.ts) end with the build. */
function buildId(): string {
  const hash = createHash('sha256');
  const files = ['src', 'templates']
    .flatMap((folder) =>
      readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((f) =>
        path.join(folder, f),
      ),
    )
    .concat('package-lock.json', 'scripts/build.ts')
    .sort();
  for (const file of files) {
    const full = path.join(ROOT, file);
    if (statSync(full).isFile()) hash.update(file).update('\0').update(readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

const id = buildId();
rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(ROOT, 'src/main.ts')],
  outfile: path.join(ROOT, 'dist/main.cjs'),
  bundle: true,
  // One CommonJS script, so that bin/stackgen.js can keep V8's compiled code of it between runs (Node 20 has
  // no compile cache of its own, and none for ES modules). Modules reached only through import() still run
  // only when a command needs them.
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // ESM builds of dependencies where they have one (jsonc-parser's UMD build requires its own files at run time).
  mainFields: ['module', 'main'],
  // Only `verify` loads the OpenTelemetry SDK and gRPC: they stay in node_modules, as installed, and are
  // required when it runs.
  external: ['@grpc/*', '@opentelemetry/*'],
  supported: { 'dynamic-import': false },
  // What src/ reads from import.meta.url, a CommonJS script has as __filename.
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { __STACKGEN_BUILD_ID__: JSON.stringify(id), 'import.meta.url': '__import_meta_url' },
  minifyWhitespace: true,
  minifySyntax: true,
  // Shorter names are less to read at every start; PROFILE=1 npm run build keeps them, for CPU profiles.
  minifyIdentifiers: !process.env.PROFILE,
  sourcemap: 'linked',
  plugins: [precomputed, lazyChildProcess],
  logLevel: 'warning',
});
// bin/stackgen.js reads the bundle as Latin-1, the quickest way to a string, which is exact for ASCII only.
const nonAscii = /[^\0-\x7f]/.exec(readFileSync(path.join(ROOT, 'dist/main.cjs'), 'latin1'));
if (nonAscii)
  throw new Error(
    `dist/main.cjs holds a character beyond ASCII: ${JSON.stringify(nonAscii.input.slice(nonAscii.index - 60, nonAscii.index + 20))}`,
  );
// bin/stackgen.js keys the compiled code it keeps by this: V8 itself checks only the script's length.
writeFileSync(path.join(ROOT, 'dist/build-id'), `${id}\n`);
