import * as z from '#shared/schema/z.ts';
import { Id, Timestamp } from './common.ts';

const Tag = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));
const Locale = z
  .string()
  .check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en or sv-SE'));
const Tags = z.optional(z.array(Tag).check(z.minLength(1), z.maxLength(20)));

export const ListCriteria = z
  .strictObject({
    subscribedTo: z.optional(Id.check(z.describe('Contacts subscribed to this subscription type'))),
    interests: z.optional(z.strictObject({ all: Tags, any: Tags, none: Tags })),
    locale: z.optional(Locale),
  })
  .check(z.meta({ id: 'ListCriteria' }));

export const TargetList = z
  .object({
    id: z.string(),
    name: z.string(),
    criteria: z.optional(ListCriteria),
    contactIds: z.array(z.string()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'List' }));
