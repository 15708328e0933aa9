/** Validation against the official compose-spec JSON schema (compose-validator.ts). */
import { composeValidator } from './compose-validator.js';

/** Problems as `<json pointer>: <message>`, empty when the document is valid. */
export function composeSchemaErrors(document: unknown): string[] {
  const check = composeValidator();
  if (check(document)) return [];
  return (check.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
  );
}
