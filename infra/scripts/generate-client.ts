/**
 * `npm run client`: writes the OpenAPI document of the route table to shared/client/openapi.json
 * (what `GET /openapi.json` serves) and the TypeScript types of the typed client generated from it
 * with openapi-typescript to shared/client/schema.ts. `npm test` fails while either is stale
 * (test/unit/openapi.test.ts), so the contract, the served document and the client cannot drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFiles } from './client-files.ts';

const dir = join(import.meta.dirname, '..', '..', 'shared', 'client');
const files = await clientFiles();
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
process.stdout.write(
  `wrote ${Object.keys(files)
    .map((name) => `shared/client/${name}`)
    .join(', ')}\n`,
);
