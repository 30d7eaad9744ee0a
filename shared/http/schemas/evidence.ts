import * as z from '#shared/schema/z.ts';

/** What proves a person's act, as a form or app captured it (GDPR Art. 7(1)). */
export const Evidence = z
  .strictObject({
    ip: z.optional(
      z.union([z.ipv4(), z.ipv6()]).check(z.describe("The person's IP address when they acted")),
    ),
    userAgent: z.optional(z.string().check(z.maxLength(512))),
    text: z.optional(z.string().check(z.maxLength(5000), z.describe('The wording the person agreed to'))),
    textVersion: z.optional(z.string().check(z.maxLength(100), z.describe('Or the version of that wording'))),
    formId: z.optional(z.string().check(z.maxLength(100))),
  })
  .check(
    z.meta({
      id: 'Evidence',
      description:
        'What proves the act (GDPR Art. 7(1)), as captured by the form or app. Unknown fields are rejected with 422.',
    }),
  );
