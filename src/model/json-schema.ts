/** The stack file's JSON schema (stack-json-schema.ts), and what it answers about the model. */
import { stackJsonSchema } from './stack-json-schema.js';

export { stackJsonSchema };

export const SCHEMA_FILE_NAME = 'stackgen.schema.json';

/** Property names allowed at a path of the stack file, for "did you mean" on unknown keys. */
export function knownKeys(path: readonly PropertyKey[]): string[] {
  let node: unknown = stackJsonSchema();
  for (const segment of path) {
    node = child(node, segment);
    if (node === undefined) return [];
  }
  return Object.keys(properties(node) ?? {});
}

function child(node: unknown, segment: PropertyKey): unknown {
  const schema = node as Record<string, unknown>;
  for (const option of [schema, ...((schema.anyOf as unknown[]) ?? [])] as Record<string, unknown>[]) {
    if (typeof segment === 'number' && option.items) return option.items;
    const props = properties(option);
    if (typeof segment === 'string' && props?.[segment]) return props[segment];
    if (typeof segment === 'string' && typeof option.additionalProperties === 'object') {
      return option.additionalProperties;
    }
  }
  return undefined;
}

function properties(node: unknown): Record<string, unknown> | undefined {
  return (node as { properties?: Record<string, unknown> } | undefined)?.properties;
}
