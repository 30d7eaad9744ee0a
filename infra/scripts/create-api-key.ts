/**
 * Creates the first admin key of a deployment (afterwards, admins create keys through the API).
 *   APP_TABLE=<AppTable name from the stack outputs> npm run create-admin-key -- "ops admin"
 * Uses your AWS credentials; prints the key once. Only its hash is stored.
 */
import { generateApiKey } from '#shared/domain/api-key.ts';

const name = process.argv[2] ?? 'first admin';
const { installApiKey } = await import('#shared/use-cases/api-keys.ts');
const key = generateApiKey();
await installApiKey(key, name, 'admin');
process.stdout.write(`Admin API key for "${name}" (shown once, store it now):\n${key}\n`);
