import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { apiKeyFields } from '#shared/http/schemas/api-key.ts';
import { roles } from '#shared/domain/api-key.ts';

const CreateApiKey = z
  .strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    role: z.enum(roles),
  })
  .check(z.meta({ id: 'CreateApiKeyRequest' }));

const CreatedApiKey = z
  .object({
    ...apiKeyFields,
    key: z.string().check(z.describe('The secret key. Shown once, in this response only; store it now.')),
  })
  .check(z.meta({ id: 'CreatedApiKey' }));

/** The contract of `POST /api-keys`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/api-keys',
  entry: 'functions/api/create-api-key.ts',
  operationId: 'createApiKey',
  auth: 'admin',
  tag: 'api-keys',
  status: 201,
  body: CreateApiKey,
  tables: { app: 'write' },
  idempotent: true,
  idempotentSecrets: ['key'],
  // The signing secret seals the key in the idempotency record.
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Create an API key (the key is shown once)',
  description:
    'Creates a key with the role `admin` (everything) or `marketer` (everything but the admin routes and consent-override sends). The secret `key` is in this response only: only its SHA-256 is stored. Recorded in the audit log.',
  response: CreatedApiKey,
}));
