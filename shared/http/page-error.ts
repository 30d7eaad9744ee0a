/**
 * The error a hosted page or a console page answers with, shown as one of the error pages: apart
 * from the page wrapper, so the form reader and the console use it without carrying the wrapper.
 */
import type { ErrorPageKind } from '#shared/pages/error-page.ts';

/** An error shown as one of the error pages. */
export class PageError extends Error {
  readonly statusCode: number;
  readonly kind: ErrorPageKind;
  readonly headers: Record<string, string>;
  constructor(
    statusCode: number,
    kind: ErrorPageKind,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PageError';
    this.statusCode = statusCode;
    this.kind = kind;
    this.headers = headers;
  }
}

export const pageNotFound = () => new PageError(404, 'not_found', 'Not found');
