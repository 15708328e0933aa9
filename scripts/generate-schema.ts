/** Writes stacks/stackgen.schema.json from the zod model (npm run schema:generate). */
import { writeFileSync } from 'node:fs';
import { stackJsonSchema } from '../src/model/json-schema.js';

writeFileSync(
  new URL('../stacks/stackgen.schema.json', import.meta.url),
  `${JSON.stringify(stackJsonSchema(), null, 2)}\n`,
);
