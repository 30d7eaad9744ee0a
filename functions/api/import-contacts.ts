import { api } from '#shared/http/api.ts';
import { toErrorResponse } from '#shared/http/errors.ts';
import { validateImportItem } from '#shared/http/schemas/contact-input.ts';
import { importContacts } from '#shared/use-cases/contacts-import.ts';
import { route } from './import-contacts.route.ts';

export const handler = api(route, async ({ body, actor, request }) => {
  const items = body.contacts.map((item, index) => validateImportItem(item, index));
  const results = await importContacts(items, actor, request);
  // 200 even when some items failed: each result says how its item went.
  return {
    results: results.map((r) =>
      r.status === 'failed'
        ? { index: r.index, status: r.status, error: toErrorResponse(r.error).body.error }
        : r,
    ),
  };
});
