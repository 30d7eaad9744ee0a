import { api } from '#shared/http/api.ts';
import { listAuditEntries } from '#shared/use-cases/audit.ts';
import { route } from './list-audit-entries.route.ts';

export const handler = api(route, ({ query }) => listAuditEntries(query));
