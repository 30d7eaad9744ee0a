import * as z from '#shared/schema/z.ts';
import { eventTypes } from '#shared/domain/events.ts';
import { maxWebhookEndpoints, maxWebhookUrlLength } from '#shared/domain/webhooks.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { CreatedWebhook } from '#shared/http/schemas/webhook.ts';

const CreateWebhook = z
  .strictObject({
    url: z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(maxWebhookUrlLength),
        z.describe('An https URL whose host resolves to public addresses only'),
      ),
    events: z
      .array(z.string().check(z.maxLength(100)))
      .check(
        z.minLength(1),
        z.maxLength(eventTypes.length * 2),
        z.describe(`Any of: ${eventTypes.join(', ')}`),
      ),
    description: z.optional(z.string().check(z.trim(), z.maxLength(500))),
  })
  .check(z.meta({ id: 'CreateWebhookRequest' }));

/** The contract of `POST /webhooks`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/webhooks',
  entry: 'functions/api/create-webhook.ts',
  operationId: 'createWebhook',
  auth: 'admin',
  tag: 'webhooks',
  status: 201,
  body: CreateWebhook,
  tables: { app: 'write' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Register a webhook endpoint (its signing secret is shown once)',
  description: `Registers an endpoint for outgoing events: every event of the listed types is POSTed to \`url\`, signed as Standard Webhooks says (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">\` with the \`secret\`), retried with backoff for 27 hours. The secret is in this response only. 422 for a URL that is not https (the local stack also takes http://localhost), whose host does not resolve or resolves to any address that is not public (private, loopback, link-local, metadata), for an unknown event type, and past ${maxWebhookEndpoints} endpoints. Takes no Idempotency-Key: a replayed answer would keep the secret in clear. Recorded in the audit log.`,
  response: CreatedWebhook,
}));
