/**
 * The typed client of the Subscription Center API, for marketing apps and scripts: openapi-fetch
 * over the types openapi-typescript generated from the OpenAPI document (`npm run client` keeps
 * them current; `npm test` fails while they are not). Every path, parameter, body and answer is
 * typed from the document.
 *
 * ```ts
 * const api = subscriptionCenter('https://news.example.org', process.env.SC_API_KEY);
 * const { data, error } = await api.POST('/contacts', { body: { email: 'ada@example.com' } });
 * ```
 */
import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };
/** The named schemas of the document: `Schemas['Mailing']`, `Schemas['Contact']`, … */
export type Schemas = components['schemas'];
export type Client = ReturnType<typeof createClient<paths>>;

/** A client for the API at `baseUrl`, sending `apiKey` as `Authorization: Bearer <key>` when given. */
export const subscriptionCenter = (
  baseUrl: string,
  apiKey?: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): Client =>
  createClient<paths>({
    ...options,
    baseUrl,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(options.headers as object) },
  });
