import { defineRoute, documented } from '#shared/http/contract.ts';
import { ImportJob } from '#shared/http/schemas/bulk-jobs.ts';
import { IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `GET /imports/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/imports/{id}',
  entry: 'functions/api/get-import.ts',
  operationId: 'getImport',
  auth: 'marketer',
  tag: 'imports',
  status: 200,
  params: IdParams,
  tables: { app: 'read' },
  buckets: { imports: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'An import job: status, counts, errors, results file',
  description:
    '`status` moves `uploading → parsing → running → done` (or `failed`, with `error`: the file as a whole could not be imported and nothing was written). Counts grow as the job runs; `errors` and `skips` show the first 100 rows with problems, and `resultsUrl` (once done) downloads every failed and skipped row with why.',
  response: ImportJob,
}));
