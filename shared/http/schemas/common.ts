import * as z from 'zod';
import { idPattern } from '#shared/domain/ids.ts';

export const Id = z.string().regex(idPattern, 'Not an id');

export const IdParams = z.object({ id: Id });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Timestamp = z.iso.datetime();

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.unknown()),
    }),
  })
  .meta({ id: 'Error' });

export const Source = z.enum([
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
]);
export type Source = z.infer<typeof Source>;
