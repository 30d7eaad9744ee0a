import { api } from '#shared/http/api.ts';
import { recipientReport } from '#shared/use-cases/recipient-report.ts';
import { route } from './list-mailing-recipients.route.ts';

export const handler = api(route, ({ params, query }) =>
  recipientReport(params.id, query, query.limit, query.cursor),
);
