/**
 * One of everything a route's path can name — a subscription type, a contact (and one to erase), a
 * list, a mailing (and a spare list and draft to delete), an API key, a suppression, an import and
 * an export job, a webhook endpoint (and a spare to delete) — and a token of every purpose, so the
 * tests generated
 * from the route table (fuzz, access matrix) fill any path with a real id.
 */
import type { RouteDefinition, RouteKey } from '#infra/routes.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { signToken } from '#shared/domain/tokens.ts';
import type { ApiResponse, RequestOptions } from './local-stack.ts';

type Route = RouteDefinition & { key: RouteKey };
type Request = <T = Record<string, unknown>>(
  method: string,
  path: string,
  options?: RequestOptions,
) => Promise<ApiResponse<T>>;

/**
 * Creates the fixtures through the API with `adminKey` (the stack's own admin key when absent),
 * named after `name` (`<name>.example` addresses). Tokens are signed with the keys current now.
 */
export const routeFixtures = async (request: Request, name: string, adminKey?: string) => {
  const key = adminKey ? { key: adminKey } : {};
  const created = async (path: string, body: unknown) => {
    const res = await request<{ id: string }>('POST', path, { ...key, body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body.id;
  };
  const type = await created('/subscription-types', { name: `${name} news` });
  const person = (email: string) => ({
    email,
    firstName: name,
    consent: { status: 'granted', source: 'form' },
    subscriptions: { [type]: 'subscribed' },
  });
  const contact = await created('/contacts', person(`target@${name}.example`));
  const victim = await created('/contacts', person(`victim@${name}.example`));
  const list = await created('/lists', { name: `${name} list`, criteria: { subscribedTo: type } });
  const mailing = await created('/mailings', {
    name: `${name} mailing`,
    subscriptionTypeId: type,
    listId: list,
    from: `News <news@${name}.example>`,
    subject: 'Hi {{firstName}}',
    text: 'Hello',
  });
  // A list and a draft that exist to be deleted by DELETE /lists/{id} and DELETE /mailings/{id}.
  const spareList = await created('/lists', { name: `${name} spare list`, criteria: { subscribedTo: type } });
  const spareMailing = await created('/mailings', {
    name: `${name} spare mailing`,
    subscriptionTypeId: type,
    listId: list,
    from: `News <news@${name}.example>`,
    subject: 'Spare',
    text: 'Spare',
  });
  const ids = {
    type,
    contact,
    victim,
    list,
    mailing,
    spareList,
    spareMailing,
    apiKey: await created('/api-keys', { name: 'sacrificial', role: 'marketer' }),
    suppression: await created('/suppressions', { email: `suppressed@${name}.example`, reason: 'manual' }),
    import: await created('/imports', {
      format: 'csv',
      dryRun: true,
      csv: `email\nimported@${name}.example\n`,
    }),
    export: await created('/exports', { kind: 'contacts' }),
    // Nothing listens there: with the consumers off (fuzz, access matrix) nothing is delivered.
    webhook: await created('/webhooks', { url: 'http://localhost:9/hook', events: ['contact.erased'] }),
    spareWebhook: await created('/webhooks', { url: 'http://localhost:9/spare', events: ['contact.erased'] }),
  };

  const keys = await signingKeys();
  const c = contact;
  const tokens: Record<string, string> = {
    unsubscribe: signToken(keys, { p: 'unsubscribe', c, m: mailing, t: type }),
    preferences: signToken(keys, { p: 'preferences', c, m: mailing, t: type }),
    link: signToken(keys, { p: 'link', c, m: mailing, u: 'https://example.com/landing' }),
    magic: signToken(keys, { p: 'magic', c }),
    confirm: signToken(keys, { p: 'confirm', c, t: type }),
  };

  /** A real id (or token) for a path parameter of a route; DELETE of a contact erases the victim. */
  const idFor = (route: Route, param: string): string => {
    if (param === 'token') return tokens[route.page?.purposes?.[0] ?? 'preferences'] ?? '';
    if (param === 'typeId') return ids.type;
    if (route.path.startsWith('/api-keys')) return ids.apiKey;
    if (route.path.startsWith('/suppressions')) return ids.suppression;
    if (route.path.startsWith('/webhooks')) return route.method === 'DELETE' ? ids.spareWebhook : ids.webhook;
    if (route.path.startsWith('/subscription-types')) return ids.type;
    if (route.path.startsWith('/lists')) return route.method === 'DELETE' ? ids.spareList : ids.list;
    if (route.path.startsWith('/mailings')) return route.method === 'DELETE' ? ids.spareMailing : ids.mailing;
    if (route.path.startsWith('/contacts')) return route.method === 'DELETE' ? ids.victim : ids.contact;
    if (route.path.startsWith('/imports')) return ids.import;
    if (route.path.startsWith('/exports')) return ids.export;
    return '01h00000000000000000000000';
  };

  return { ids, tokens, idFor };
};
