import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { Settings } from '#shared/http/schemas/settings.ts';

const PutPrivacy = z.strictObject({ enabled: z.boolean() }).check(z.meta({ id: 'PutPrivacyRequest' }));

/** The contract of `PUT /settings/privacy`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PUT',
  path: '/settings/privacy',
  entry: 'functions/api/put-privacy-setting.ts',
  operationId: 'putPrivacySetting',
  auth: 'admin',
  tag: 'settings',
  status: 200,
  body: PutPrivacy,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Switch the e-marketing privacy filter on or off (recorded in the audit log)',
  description:
    "Switches the e-marketing privacy filter. On: recipients without consent and a subscription to the mailing's type are filtered out. Off: consent and subscriptions are ignored (suppressions still apply). Recorded in the audit log.",
  response: Settings,
}));
