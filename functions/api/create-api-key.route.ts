import { defineRoute } from '#shared/http/contract.ts';
import { CreateApiKey, CreatedApiKey } from '#shared/http/schemas/admin.ts';

/** The contract of `POST /api-keys`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/api-keys',
  entry: 'functions/api/create-api-key.ts',
  operationId: 'createApiKey',
  auth: 'admin',
  summary: 'Create an API key (the key is shown once)',
  description:
    'Creates a key with the role `admin` (everything) or `marketer` (everything but the admin routes and consent-override sends). The secret `key` is in this response only: only its SHA-256 is stored. Recorded in the audit log.',
  tag: 'api-keys',
  status: 201,
  body: CreateApiKey,
  response: CreatedApiKey,
  tables: { app: 'write' },
  idempotent: true,
});
