import { defineRoute } from '#shared/http/contract.ts';

/** The contract of `GET /l/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/l/{token}',
  entry: 'functions/pages/follow-link.ts',
  operationId: 'followLink',
  auth: 'token',
  summary:
    'Tracked link: applies its signed action once (interest or subscription), then 302 to its signed target',
  description:
    'A tracked link: applies its signed action once (an interest added or removed, a type subscribed or unsubscribed), then 302 to its signed target; no open redirect.',
  tag: 'pages',
  status: 302,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  sendsEmail: true,
  page: { purposes: ['link'] },
});
