/**
 * What the contracts of the console's page groups share (session.route.ts, mailings.route.ts,
 * the wizard's wizard.route.ts, draft.route.ts, recipients.route.ts and send.route.ts,
 * contacts.route.ts, types.route.ts, lists.route.ts, admin.route.ts): each group is one function,
 * a small router over its own pages (shared/http/console.ts), so a group's bundle carries only its
 * own pages, words and use cases. The routes of a group share its handler file;
 * infra/stacks/routes-stack.ts makes one function per handler file and three resources per route
 * (API route, integration, permission).
 *
 * The console is another door to the same use cases as the JSON API: each action names the API
 * route it stands for, whose role decides who may take it and whose schemas check the form. A
 * group's `api` lists them all, and its function is granted the union of their grants, and nothing
 * more. The grants are the route table's (`documentedGroup`): at run time a page needs only its
 * method, path, schemas and the sessions, so a group's bundle holds the API contracts its actions
 * use and no other.
 */
import * as z from '#shared/schema/z.ts';
import type { TableName } from '#infra/tables.ts';
import {
  type Access,
  defineRoute,
  documented,
  type RouteContract,
  type RouteDocs,
} from '#shared/http/contract.ts';

/** The union of what a group's API routes may touch, plus the sessions (app-table items). */
export const grantsOf = (api: Readonly<Record<string, RouteContract>>) => {
  const tables: Partial<Record<TableName, Access>> = {};
  const queues = new Set<NonNullable<RouteContract['queues']>[number]>();
  let secrets = false;
  let sendsEmail = false;
  let mirrorsSuppressions = false;
  for (const route of Object.values(api)) {
    for (const [name, access] of Object.entries(route.tables) as [TableName, Access][])
      if (tables[name] !== 'write') tables[name] = access;
    for (const queue of route.queues ?? []) queues.add(queue);
    secrets ||= Boolean(route.secrets?.length);
    sendsEmail ||= Boolean(route.sendsEmail);
    mirrorsSuppressions ||= Boolean(route.mirrorsSuppressions);
  }
  tables.app = 'write';
  return {
    tables,
    queues: [...queues].sort(),
    ...(secrets ? { secrets: ['signing'] as const } : {}),
    sendsEmail,
    mirrorsSuppressions,
  };
};

type Grants = ReturnType<typeof grantsOf>;

export const Text = (max: number) => z.optional(z.string().check(z.maxLength(max)));
export const CursorQuery = z.object({ cursor: Text(2048), done: Text(20) });
export const DoneQuery = z.object({ done: Text(20) });
export const EmailQuery = z.object({ email: Text(320), done: Text(20) });

/**
 * The route builders of one page group: its handler file on every route, and what every page
 * touches itself (the sessions, app-table items). The group's grants are added by
 * `documentedGroup`, for the route table.
 */
export const consoleGroup = (entry: string) => {
  const common = { entry, tag: 'console', tables: { app: 'write' } } as const;

  /** A page of a signed-in person. */
  const get = <const P extends string, const Q extends z.Schema | undefined = undefined>(
    path: P,
    operationId: string,
    extra: { params?: z.Schema; query?: Q } = {},
  ) =>
    defineRoute({
      method: 'GET',
      path,
      operationId,
      auth: 'session',
      status: 200,
      page: {},
      ...common,
      ...extra,
    });

  /** A form post of a signed-in person: 303 to the next page when done, the form again when not. */
  const post = <const P extends string>(path: P, operationId: string, params?: z.Schema) =>
    defineRoute({
      method: 'POST',
      path,
      operationId,
      auth: 'session',
      status: 303,
      page: { form: true },
      ...common,
      ...(params ? { params } : {}),
    });

  return { common, get, post };
};

/** What the route table says of a console route: one line, or the line and a description. */
export type PageWords = string | { readonly summary: string; readonly description: string };

/**
 * A group's routes with their grants (the union of its API routes', `grantsOf`) and their
 * documentation, for the route table (infra/routes.ts). A route given one line gets the
 * description every page or form post of the console shares. The words are given as a function and
 * the call is marked pure where it is made, so a handler's bundle drops them, and the API contracts
 * only the grants name.
 */
export const documentedGroup = <const R extends Readonly<Record<string, RouteContract>>>(
  routes: R,
  api: Readonly<Record<string, RouteContract>>,
  words: () => { readonly [K in keyof R]: PageWords },
): { readonly [K in keyof R]: Omit<R[K], keyof Grants> & Grants & RouteDocs } => {
  const all = words();
  const grants = grantsOf(api);
  return Object.fromEntries(
    Object.entries(routes).map(([key, route]) => {
      const said: PageWords = all[key as keyof R];
      const docs: RouteDocs =
        typeof said !== 'string'
          ? said
          : {
              summary: said,
              description:
                route.method === 'GET'
                  ? `${said}. HTML for people, server-rendered, usable without JavaScript.`
                  : `${said}. A form post carrying the session's CSRF token; a form that breaks a rule comes back (422) with the API's message beside each field and what was typed kept.`,
            };
      return [key, documented({ ...route, ...grants }, () => docs)];
    }),
  ) as unknown as { readonly [K in keyof R]: Omit<R[K], keyof Grants> & Grants & RouteDocs };
};
