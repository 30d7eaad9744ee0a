import { api } from '#shared/http/api.ts';
import { recipientReport } from '#shared/use-cases/recipient-report.ts';

export const handler = api('GET /mailings/{id}/recipients', ({ params, query }) =>
  recipientReport(params.id, query, query.limit, query.cursor),
);
