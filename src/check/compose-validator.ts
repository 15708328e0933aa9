/**
 * The compose-spec validator. Here, when running from source: compiled with Ajv on first use. The build
 * (scripts/build.ts) replaces this module in the bundle with the same validator as standalone code, so a
 * run does not compile the schema.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The official compose-spec JSON schema, as the dclint package ships it (kept in step with compose-spec). */
export function composeSchema(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const file = path.join(
    path.dirname(require.resolve('dclint/package.json')),
    'schemas',
    'compose.schema.json',
  );
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Ajv knows draft-07 by its http URL; the schema names it by https.
  delete schema.$schema;
  return schema;
}

/** strict: false because the schema uses keywords and formats Ajv does not define (e.g. "duration"). */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false };

let validate: ValidateFunction | undefined;

export function composeValidator(): ValidateFunction {
  validate ??= new Ajv(AJV_OPTIONS).compile(composeSchema());
  return validate;
}
