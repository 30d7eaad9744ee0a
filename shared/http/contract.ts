/**
 * A route's contract: everything about one route that is not its code. Each route has one, in a
 * small module beside its handler (`functions/api/create-mailing.route.ts` beside
 * `functions/api/create-mailing.ts`). The handler imports only its own contract, so its bundle
 * carries only its own schemas; infra/routes.ts composes the route table from all of them for CDK,
 * the local gateway, the OpenAPI document and the tests.
 */
import type * as z from '#shared/schema/z.ts';
import type { BucketName } from '#infra/buckets.ts';
import type { QueueName } from '#infra/queues.ts';
import type { TableName } from '#infra/tables.ts';
import type { TokenPurpose } from '#shared/domain/tokens.ts';

/**
 * Who may call a route: nobody in particular (`none`), the holder of a signed token in the path
 * (`token`), an API key of a role (`marketer`, `admin`), or a signed-in console session
 * (`session`: the console's cookie, exchanged for an API key at `/console/sign-in`; the key's role
 * decides what each console action may do).
 */
export type Auth = 'none' | 'token' | 'marketer' | 'admin' | 'session';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'read' | 'write';

export interface RouteContract {
  readonly method: Method;
  /** API Gateway path syntax: `/contacts/{id}`. */
  readonly path: string;
  /** The handler file, relative to the project root; exports `handler`. Its contract sits beside it. */
  readonly entry: string;
  readonly auth: Auth;
  /** The OpenAPI operationId, and the method name a generated client gives the route. */
  readonly operationId: string;
  /** The OpenAPI tag the route is listed under; CDK also groups the route's function by it. */
  readonly tag: string;
  /** Success status. */
  readonly status: number;
  readonly params?: z.Schema;
  readonly query?: z.Schema;
  /** JSON request body; unknown fields are rejected (422). */
  readonly body?: z.Schema;
  /** The success body, documented and checked against every answer the tests receive. */
  readonly response?: z.Schema;
  /** Other answers the route gives beside its success and the usual errors, by status. */
  readonly otherResponses?: Readonly<
    Record<number, { readonly description: string; readonly schema?: z.Schema }>
  >;
  /** Tables the handler touches; CDK grants exactly this and sets each table's env var. */
  readonly tables: Partial<Record<TableName, Access>>;
  /** Creating POST that honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Response fields an idempotency record keeps sealed, never in clear (a key shown once). */
  readonly idempotentSecrets?: readonly string[];
  /** Secrets the handler reads: `signing` holds the HMAC keys for tokens and address fingerprints. */
  readonly secrets?: readonly 'signing'[];
  /**
   * Buckets whose objects the handler reads or writes (infra/buckets.ts); signing a presigned URL
   * counts as the access the URL grants. CDK grants object access only and sets the env var.
   */
  readonly buckets?: Partial<Record<BucketName, Access>>;
  /** Queues the handler sends to (infra/queues.ts). */
  readonly queues?: readonly QueueName[];
  /** Sends e-mail through SES (CDK grants ses:SendEmail on the identity and configuration set). */
  readonly sendsEmail?: boolean;
  /** Adds or lifts suppressions, mirrored into SES's account-level suppression list when the deployment says so. */
  readonly mirrorsSuppressions?: boolean;
  /**
   * A hosted page for recipients (shared/http/page.ts) rather than JSON: it answers HTML (or a
   * redirect) and takes form bodies (urlencoded or multipart, at most 64 KB), never JSON.
   */
  readonly page?: {
    /** With auth `token`: the purposes `{token}` may have; any other token gets the 404 page. */
    readonly purposes?: readonly TokenPurpose[];
    /** Reads a form body. */
    readonly form?: boolean;
    /** What it answers instead of HTML (the console's stylesheet: `text/css`). */
    readonly contentType?: string;
  };
}

/** Declares a route's contract, keeping its literal types (the handler's input is typed from them). */
export const defineRoute = <const T extends RouteContract>(contract: T): T => contract;

/**
 * The parts of a contract only the route table reads (the OpenAPI document and the tests): the
 * route's words and its documented answers.
 */
export interface RouteDocs extends Pick<RouteContract, 'response' | 'otherResponses'> {
  /** One line. */
  readonly summary: string;
  /** What it does, what it answers, and the rules that decide (Markdown). */
  readonly description: string;
}

/** A contract with its documentation: what the route table holds. */
export type DocumentedRoute = RouteContract & RouteDocs;

/**
 * A contract with its documentation, for the route table (infra/routes.ts). The handler imports
 * the contract without it: the documentation is given as a function and the call is marked pure
 * where it is made, so a bundle that does not use the result drops it, and with it the words and
 * the schemas that only describe the answers.
 */
export const documented = <const C extends RouteContract, const D extends RouteDocs>(
  contract: C,
  docs: () => D,
): C & D => ({ ...contract, ...docs() });

/**
 * The tables a route's function may touch: what it declares, plus reading API keys (app table)
 * when it checks a key. CDK grants exactly these; the API wrapper checks their env vars at cold start.
 */
export const routeTables = (route: RouteContract): Partial<Record<TableName, Access>> => {
  const declared: Partial<Record<TableName, Access>> = { ...route.tables };
  if ((route.auth === 'marketer' || route.auth === 'admin') && !declared.app) declared.app = 'read';
  if (route.idempotent) declared.app = 'write';
  return declared;
};
