import * as z from '#shared/schema/z.ts';
import { coercedNumber, isoDateTime } from '#shared/schema/z.ts';
import { idPattern } from '#shared/domain/ids.ts';

/**
 * Every handler imports this module (for `Id`), most use only a few of its schemas: those a handler
 * may not use are built by `built`, its call marked pure, so a bundle that does not use one drops
 * it (with the validator code only it needs, such as the date-time pattern).
 */
const built = <T>(build: () => T): T => build();

export const Id = z.string().check(z.regex(idPattern, 'Not an id'));

export const IdParams = z.object({ id: Id });

/** `?limit=` 1–100, default 50; `?cursor=` from the previous page. */
export const pageFields = /* @__PURE__ */ built(() => ({
  limit: z._default(
    coercedNumber().check(z.int(), z.minimum(1), z.maximum(100), z.describe('Items per page, 1–100')),
    50,
  ),
  cursor: z.optional(
    z.string().check(z.minLength(1), z.maxLength(2048), z.describe("The previous page's `nextCursor`")),
  ),
}));

export const PageQuery = /* @__PURE__ */ built(() => z.object(pageFields));

/** A cursor page: `{items, nextCursor}`; `nextCursor` is null on the last page. */
export const page = <T extends z.Schema>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.nullable(
      z.string().check(z.describe('Pass as `?cursor=` for the next page; null on the last')),
    ),
  });

/** ISO-8601 UTC with a `Z`; one named schema, so its long pattern is written once in the document. */
export const Timestamp = /* @__PURE__ */ built(() =>
  isoDateTime().check(z.meta({ id: 'Timestamp', description: 'ISO-8601, UTC' })),
);

/** What a DELETE answers. */
export const Deleted = /* @__PURE__ */ built(() =>
  z.object({ id: z.string(), deleted: z.literal(true), at: Timestamp }).check(z.meta({ id: 'Deleted' })),
);

/** A BCP 47 language tag as used for contacts and translations: `en`, `sv`, `de-AT`. */
export const Locale = /* @__PURE__ */ built(() =>
  z
    .string()
    .check(
      z.maxLength(35),
      z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en, sv or de-AT'),
    ),
);

export const sources = [
  'api',
  'import',
  'form',
  'admin',
  'preference_page',
  'one_click',
  'link',
  'confirmation',
  'mailto',
  'bounce',
  'complaint',
  'erasure',
] as const;
export const Source = /* @__PURE__ */ built(() => z.enum(sources));
export type Source = z.infer<typeof Source>;
