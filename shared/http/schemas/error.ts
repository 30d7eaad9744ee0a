import * as z from '#shared/schema/z.ts';

export const ErrorDetail = z
  .object({
    path: z.optional(z.string().check(z.describe('The field, dotted: `body.email`, `query.cursor`'))),
    code: z.optional(z.string().check(z.describe('What is wrong, machine-readable'))),
    message: z.optional(z.string()),
    typeId: z.optional(z.string().check(z.describe('The subscription type a rule is about'))),
    count: z.optional(z.number().check(z.int())),
    firstIndex: z.optional(
      z.number().check(z.int(), z.describe('A batch item with the same address, earlier')),
    ),
    reason: z.optional(z.string().check(z.describe('The reason of the existing entry in conflict'))),
    id: z.optional(z.string().check(z.describe('The id of the existing entry in conflict'))),
  })
  .check(z.meta({ id: 'ErrorDetail', description: 'One thing wrong with the request' }));

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().check(z.describe('Machine-readable: `validation_failed`, `not_found`, `conflict`, …')),
      message: z.string(),
      details: z.array(ErrorDetail),
    }),
  })
  .check(z.meta({ id: 'Error', description: 'Every error answer of the JSON API' }));
