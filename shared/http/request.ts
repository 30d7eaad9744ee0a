import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from '#shared/schema/z.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { malformedJson, payloadTooLarge, unsupportedMediaType } from './errors.ts';

/** Request bodies are JSON up to 1 MB (a 1000-contact batch fits). */
export const maxBodyBytes = 1024 * 1024;

export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
};

export const rawBody = (event: APIGatewayProxyEventV2): Buffer => {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
};

/** Size, then content type, then JSON syntax: 413, 415, 400, in that order. */
export const parseJsonBody = (event: APIGatewayProxyEventV2): unknown => {
  const bytes = rawBody(event);
  if (bytes.length > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) throw unsupportedMediaType('application/json');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformedJson();
  }
};

/** zod issues as the `details` of a 422: each names the field (`path`) and what is wrong. */
export const validate = <S extends z.Schema>(
  schema: S,
  value: unknown,
  where: 'body' | 'query',
): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    `The request ${where} is not valid`,
    result.error.issues.slice(0, 50).map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      code: issue.code,
      message: issue.message,
    })),
  );
};

export interface RequestMeta {
  requestId: string;
  ip: string | undefined;
  userAgent: string | undefined;
  at: string;
}

export const requestMeta = (event: APIGatewayProxyEventV2): RequestMeta => ({
  requestId: event.requestContext?.requestId ?? 'unknown',
  ip: event.requestContext?.http?.sourceIp,
  userAgent: event.requestContext?.http?.userAgent,
  at: new Date(event.requestContext?.timeEpoch ?? Date.now()).toISOString(),
});

export const queryObject = (event: APIGatewayProxyEventV2): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) out[key] = value;
  }
  return out;
};
