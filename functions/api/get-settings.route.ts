import { defineRoute } from '#shared/http/contract.ts';
import { Settings } from '#shared/http/schemas/settings.ts';

/** The contract of `GET /settings`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/settings',
  entry: 'functions/api/get-settings.ts',
  operationId: 'getSettings',
  auth: 'marketer',
  summary: 'Account settings',
  description: 'The account settings: whether the e-marketing privacy filter is on, and who changed it when.',
  tag: 'settings',
  status: 200,
  response: Settings,
  tables: { app: 'read' },
});
