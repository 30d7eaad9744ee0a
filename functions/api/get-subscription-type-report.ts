import { api } from '#shared/http/api.ts';
import { subscriptionTypeReport } from '#shared/use-cases/audience-counts.ts';
import { route } from './get-subscription-type-report.route.ts';

export const handler = api(route, ({ params, query }) => subscriptionTypeReport(params.id, query));
