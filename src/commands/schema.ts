/** `stackgen schema`: prints the stack file's JSON schema, generated from the zod model. */
import type { CommandContext } from '../io.js';
import { stackJsonSchema } from '../model/json-schema.js';

export function schema({ io }: Pick<CommandContext, 'io'>): void {
  io.out(JSON.stringify(stackJsonSchema(), null, 2));
}
