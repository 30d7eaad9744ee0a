import { defineRoute, documented } from '#shared/http/contract.ts';
import { ExportJob } from '#shared/http/schemas/bulk-jobs.ts';
import { IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `GET /exports/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/exports/{id}',
  entry: 'functions/api/get-export.ts',
  operationId: 'getExport',
  auth: 'marketer',
  tag: 'exports',
  status: 200,
  params: IdParams,
  tables: { app: 'read' },
  buckets: { exports: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'An export job, with its download URL once done',
  description:
    '`status` moves `created → running → done` (or `failed`). Once done, `url` downloads the CSV (UTF-8 with a BOM, comma-separated); each answer signs a fresh URL, valid for 1 hour. Files are kept 7 days.',
  response: ExportJob,
}));
