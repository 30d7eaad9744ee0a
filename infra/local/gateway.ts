/**
 * The local API Gateway: turns HTTP requests into API Gateway v2 (HTTP API, payload 2.0) events
 * for the routes of infra/routes.ts and returns what the handler answers, as AWS would. Each route
 * runs its own handler module, which does its own authorization, exactly as in AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteDefinition, routeList } from '#infra/routes.ts';
import { logger } from '#shared/observability/logger.ts';
import { lambdaContext, loadHandler } from './lambda.ts';

/** API Gateway's own payload limit; the handlers enforce the API's smaller 1 MB. */
const gatewayMaxBytes = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteDefinition & { key: string };
  pattern: RegExp;
  names: string[];
  staticSegments: number;
}

const compile = (route: RouteDefinition & { key: string }): CompiledRoute => {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '/([^/]+)';
      }
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    })
    .join('');
  return {
    route,
    names,
    pattern: new RegExp(`^${source || '/'}$`),
    staticSegments: segments.length - names.length,
  };
};

// As API Gateway does: the most specific route wins (more literal segments first).
const compiled = routeList()
  .map(compile)
  .sort((a, b) => b.staticSegments - a.staticSegments);

const textTypes = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const notFoundBody = JSON.stringify({ error: { code: 'not_found', message: 'No such route', details: [] } });
const tooLargeBody = JSON.stringify({
  error: { code: 'payload_too_large', message: 'The request body is too large', details: [] },
});

export const toEvent = (
  req: IncomingMessage,
  body: Buffer,
  match: CompiledRoute,
  url: URL,
  params: Record<string, string>,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isBase64Encoded = body.length > 0 && !textTypes.test(contentType);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: match.route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(match.names.length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.key,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: body.toString(isBase64Encoded ? 'base64' : 'utf8') } : {}),
    isBase64Encoded,
  };
};

const send = (res: ServerResponse, result: APIGatewayProxyStructuredResultV2) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
};

export const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= gatewayMaxBytes) chunks.push(chunk as Buffer);
  }
  if (size > gatewayMaxBytes) {
    send(res, { statusCode: 413, headers: { 'content-type': 'application/json' }, body: tooLargeBody });
    return;
  }
  for (const match of compiled) {
    if (match.route.method !== req.method) continue;
    const found = match.pattern.exec(url.pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    try {
      match.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
    } catch {
      break; // a path that does not decode matches no route
    }
    const event = toEvent(req, Buffer.concat(chunks), match, url, params);
    try {
      const handler = await loadHandler(match.route.entry);
      const result = (await handler(
        event,
        lambdaContext(match.route.key),
      )) as APIGatewayProxyStructuredResultV2;
      send(res, result);
    } catch (error) {
      // What API Gateway answers when the function itself fails.
      logger.error('function failed', { route: match.route.key, error: (error as Error)?.stack });
      send(res, {
        statusCode: 500,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Internal Server Error"}',
      });
    }
    return;
  }
  send(res, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: notFoundBody });
};

export interface Gateway {
  server: Server;
  /** From now on requests are served; until then they wait (the stack is still starting). */
  open: () => void;
}

/**
 * The HTTP server. It listens before the stack is configured (the port is part of the
 * configuration), so it holds every request until `open` is called: a request sent the moment the
 * port accepts is answered once every route can serve, never with a half-configured handler.
 */
export const createGateway = (): Gateway => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const server = createServer((req, res) => {
    opened
      .then(() => handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  return { server, open };
};
