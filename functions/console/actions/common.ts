/**
 * What every console action shares: who is looking (the viewer), what their role may do (by the
 * role of the API route the action stands for: no second copy of who-may-do-what), and turning
 * the API's validation and rule errors into messages beside the form's fields.
 */
import * as z from '#shared/schema/z.ts';
import { loadConfig } from '#shared/config/env.ts';
import type { Role } from '#shared/domain/api-key.ts';
import {
  type ErrorDetail,
  ForbiddenError,
  RuleViolationError,
  ValidationError,
} from '#shared/domain/errors.ts';
import type { Viewer } from '#shared/console/mailing-pages.ts';
import { type FormState, fieldErrors } from '#shared/console/forms.ts';
import type { ConsoleInput } from '#shared/http/console.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import type { Form } from '#shared/http/page.ts';
import { validate } from '#shared/http/request.ts';
import type { LiveSession } from '#shared/use-cases/console-sessions.ts';

/** A console input of a signed-in person. */
export type SignedIn = ConsoleInput & { session: LiveSession & { id: string } };

export const signedIn = (input: ConsoleInput): SignedIn => {
  if (!input.session) throw new ForbiddenError('Not signed in');
  return input as SignedIn;
};

export const viewerOf = (input: SignedIn): Viewer => ({
  language: input.language,
  actor: input.session.actor,
  csrf: input.session.csrf,
});

/** May this session do what this API route does? Decided by the route's role, as the API decides. */
export const may = (input: SignedIn, route: Pick<RouteContract, 'auth'>): boolean =>
  route.auth !== 'admin' || input.session.actor.role === ('admin' satisfies Role);

/** Refuses (403) what the session's role may not do, before anything is looked up or changed. */
export const mustMay = (input: SignedIn, route: Pick<RouteContract, 'auth'>): void => {
  if (!may(input, route)) throw new ForbiddenError(`This needs an ${route.auth} key`);
};

/** The form's fields as typed (trimmed of nothing: what was typed is what comes back). */
export const valuesOf = (form: Form, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, form.get(name) ?? '']));

/** Checks a request body with the API route's own schema (the API's 422 and its messages). */
export const checkBody = <S extends z.Schema>(schema: S | undefined, body: unknown): z.output<S> => {
  if (!schema) throw new Error('The API route has no body schema');
  return validate(schema, body, 'body');
};

/** The field a detail is about: `body.criteria.subscribedTo` → `criteria.subscribedTo`. */
export const fieldOf = (detail: ErrorDetail) => (detail.path ?? '').replace(/^(body|query)\./, '');

/**
 * A validation or rule error as messages per field, or the error again when it is neither.
 * `fields` names the form field of an API field where they differ.
 */
export const formErrors = (
  error: unknown,
  fields: Readonly<Record<string, string>>,
  fallback: string,
): Record<string, string> => {
  if (error instanceof ValidationError || error instanceof RuleViolationError)
    return fieldErrors(error.details, fields, fallback, error.message);
  throw error;
};

export const stateOf = (values: Record<string, string>, errors: Record<string, string> = {}): FormState => ({
  values,
  errors,
});

/** Every field name maps to itself, plus the given renames. */
export const fieldMap = (names: readonly string[], renames: Record<string, string> = {}) => ({
  ...Object.fromEntries(names.map((n) => [n, n])),
  ...renames,
});

let secure: boolean | undefined;
/**
 * Cookies are `Secure` wherever the console is served over HTTPS (in AWS, where PUBLIC_BASE_URL is
 * the API's https URL); the local stack serves http://localhost, where a Secure cookie would not stick.
 */
export const secureCookies = (): boolean =>
  (secure ??= loadConfig({ PUBLIC_BASE_URL: z.url() }).PUBLIC_BASE_URL.startsWith('https:'));
