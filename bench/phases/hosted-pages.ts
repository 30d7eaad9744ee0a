/**
 * The hosted pages, measured once they exist (routes `GET /p/{token}` and `POST /u/{token}` in
 * infra/routes.ts with their handler files):
 * - the preference page: HTML bytes, and server time over 1,000 renders through the handler itself,
 *   in this process, with a real signed token (token check, the contact and type reads, rendering),
 *   p50 and p99; and the template alone (the loaded view rendered again), which no emulator slows;
 * - one-click unsubscribe: 1,000 concurrent `POST /u/{token}` over HTTP through the local gateway,
 *   each for a different contact; then every contact is read back to check it was persisted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Api } from '../lib/api.ts';
import type { Progress } from '../lib/progress.ts';

export interface PreferencePageFigures {
  built: boolean;
  reason?: string;
  htmlBytes?: number;
  status?: number;
  renders?: number;
  handlerP50Ms?: number;
  handlerP99Ms?: number;
  templateP50Ms?: number;
  templateP99Ms?: number;
}

export interface UnsubscribeFigures {
  built: boolean;
  reason?: string;
  requests?: number;
  ok?: number;
  seconds?: number;
  perSecond?: number;
  persisted?: number;
  statuses?: Record<string, number>;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;

interface RouteLike {
  entry: string;
}

const findRoute = async (projectRoot: string, key: string): Promise<RouteLike | undefined> => {
  const { routes } = await import('#infra/routes.ts');
  const route = (routes as Record<string, RouteLike | undefined>)[key];
  return route && existsSync(join(projectRoot, route.entry)) ? route : undefined;
};

const pageEvent = (
  method: string,
  routeKey: string,
  path: string,
  token: string,
  body?: string,
): APIGatewayProxyEventV2 => {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'localhost',
      'accept-language': 'en-GB,en;q=0.9',
      'user-agent': 'bench',
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    pathParameters: { token },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${now}-${Math.random()}`,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
};

export const runPreferencePage = async (
  projectRoot: string,
  contactId: string,
  typeId: string,
  mailingId: string,
  renders: number,
  progress: Progress,
): Promise<PreferencePageFigures> => {
  const route = await findRoute(projectRoot, 'GET /p/{token}');
  if (!route) return { built: false, reason: 'not built yet' };
  const { loadHandler, lambdaContext } = await import('#infra/local/lambda.ts');
  const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
  const { signToken } = await import('#shared/domain/tokens.ts');
  const handler = await loadHandler(route.entry);
  const token = signToken(await signingKeys(), { p: 'preferences', c: contactId, m: mailingId, t: typeId });
  const path = `/p/${token}`;
  const invoke = async () =>
    (await handler(pageEvent('GET', 'GET /p/{token}', path, token), lambdaContext('bench-preferences'))) as
      | APIGatewayProxyStructuredResultV2
      | undefined;

  progress.start('preference page: renders through the handler', renders, 'renders');
  let result = await invoke();
  for (let i = 0; i < 20; i++) result = await invoke(); // warm, as a warm Lambda would be
  const times: number[] = [];
  for (let i = 0; i < renders; i++) {
    const started = performance.now();
    result = await invoke();
    times.push(performance.now() - started);
    if (i % 50 === 0) progress.update(i + 1);
  }
  progress.end();
  times.sort((a, b) => a - b);
  const body = result?.body ?? '';
  const figures: PreferencePageFigures = {
    built: true,
    status: result?.statusCode ?? 0,
    htmlBytes: Buffer.byteLength(body, result?.isBase64Encoded ? 'base64' : 'utf8'),
    renders,
    handlerP50Ms: percentile(times, 0.5),
    handlerP99Ms: percentile(times, 0.99),
  };
  // The template alone, when the page modules offer it (they are being built: optional).
  try {
    const { loadPreferences } = await import('#shared/use-cases/preferences.ts');
    const { renderPreferences } = await import('#shared/pages/preferences-page.ts');
    const view = await loadPreferences(contactId);
    const template: number[] = [];
    for (let i = 0; i < 100; i++) renderPreferences(view, token, 'en');
    for (let i = 0; i < renders; i++) {
      const started = performance.now();
      renderPreferences(view, token, 'en');
      template.push(performance.now() - started);
    }
    template.sort((a, b) => a - b);
    figures.templateP50Ms = percentile(template, 0.5);
    figures.templateP99Ms = percentile(template, 0.99);
  } catch {
    // Only the handler figure then.
  }
  return figures;
};

export const runOneClick = async (
  projectRoot: string,
  apiUrl: string,
  api: Api,
  contactIds: readonly string[],
  typeId: string,
  mailingId: string,
  progress: Progress,
): Promise<UnsubscribeFigures> => {
  const route = await findRoute(projectRoot, 'POST /u/{token}');
  if (!route) return { built: false, reason: 'not built yet' };
  const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
  const { signToken } = await import('#shared/domain/tokens.ts');
  const keys = await signingKeys();
  const tokens = contactIds.map((c) => signToken(keys, { p: 'unsubscribe', c, m: mailingId, t: typeId }));

  progress.start('one-click unsubscribe: concurrent POST /u/{token}', tokens.length, 'requests');
  const statuses: Record<string, number> = {};
  let done = 0;
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      let status = 'network error';
      try {
        const res = await fetch(`${apiUrl}/u/${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
          redirect: 'manual',
        });
        await res.arrayBuffer();
        status = String(res.status);
      } catch {
        // counted as a network error
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      progress.update(++done);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  progress.end();

  // Persisted? Each contact's subscription to the type, read back through the API.
  progress.start('one-click unsubscribe: reading the contacts back', contactIds.length, 'contacts');
  let persisted = 0;
  let checked = 0;
  const queue = [...contactIds];
  const reader = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const res = await api<{ subscriptions?: Record<string, { status?: string }> }>(
        'GET',
        `/contacts/${id}`,
      );
      if (res.status === 200 && res.body.subscriptions?.[typeId]?.status === 'unsubscribed') persisted++;
      progress.update(++checked);
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  progress.end();
  return {
    built: true,
    requests: tokens.length,
    ok: statuses['200'] ?? 0,
    seconds,
    perSecond: tokens.length / seconds,
    persisted,
    statuses,
  };
};
