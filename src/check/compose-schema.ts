/**
 * Validation against the official compose-spec JSON schema, as the dclint package ships it (a current
 * copy kept in step with compose-spec; its `schemas/` folder is read through the package's own path).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let validate: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (validate) return validate;
  const require = createRequire(import.meta.url);
  const file = path.join(
    path.dirname(require.resolve('dclint/package.json')),
    'schemas',
    'compose.schema.json',
  );
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Ajv knows draft-07 by its http URL; the schema names it by https.
  delete schema.$schema;
  // strict: false because the schema uses keywords and formats Ajv does not define (e.g. "duration").
  validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  return validate;
}

/** Problems as `<json pointer>: <message>`, empty when the document is valid. */
export function composeSchemaErrors(document: unknown): string[] {
  const check = composeValidator();
  if (check(document)) return [];
  return (check.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
  );
}
