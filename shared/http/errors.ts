import { SesRetryLater } from '#shared/adapters/ses/errors.ts';
import {
  ConflictError,
  type ErrorDetail,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from '#shared/domain/errors.ts';

/** Errors that only exist at the HTTP edge (the domain never sees a content type). */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(statusCode: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export const malformedJson = () => new HttpError(400, 'malformed_json', 'The request body is not valid JSON');
export const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>');
export const forbidden = (message = 'This API key may not do this') =>
  new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `The request body is larger than ${limit} bytes`);
export const unsupportedMediaType = (expected: string) =>
  new HttpError(415, 'unsupported_media_type', `Send the body as ${expected}`);

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

/**
 * The one table from error class to HTTP status and code. Anything not listed is a 500 whose
 * message and stack never leave the process.
 */
const table: ReadonlyArray<[new (...args: never[]) => Error, number, string]> = [
  [ValidationError, 422, 'validation_failed'],
  [RuleViolationError, 422, 'rule_violation'],
  [NotFoundError, 404, 'not_found'],
  [ConflictError, 409, 'conflict'],
  [ForbiddenError, 403, 'forbidden'],
];

export const toErrorResponse = (
  error: unknown,
): { statusCode: number; body: ErrorBody; expected: boolean } => {
  if (error instanceof HttpError) {
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, message: error.message, details: error.details } },
      expected: true,
    };
  }
  for (const [type, statusCode, code] of table) {
    if (error instanceof type) {
      const details = (error as { details?: ErrorDetail[] }).details ?? [];
      return { statusCode, body: { error: { code, message: error.message, details } }, expected: true };
    }
  }
  if (isThrottle(error)) {
    return {
      statusCode: 429,
      body: { error: { code: 'throttled', message: 'Too many requests; retry with backoff', details: [] } },
      expected: true,
    };
  }
  return {
    statusCode: 500,
    body: { error: { code: 'internal_error', message: 'Something went wrong on our side', details: [] } },
    expected: false,
  };
};

/**
 * The SDK marks throttling errors of every service with `$retryable.throttling`; SES sends make one
 * attempt and say "retry later" with their own class.
 */
const isThrottle = (error: unknown) =>
  error instanceof SesRetryLater ||
  (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable?.throttling === true;
