import * as z from '#shared/schema/z.ts';
import { Timestamp } from './common.ts';

export const Suppression = z
  .object({
    id: z
      .string()
      .check(z.describe('The address fingerprint (opaque hex): the id for DELETE /suppressions/{id}')),
    reason: z
      .string()
      .check(
        z.describe(
          'hard_bounce, soft_bounce, complaint, manual, erased, or ses_suppressed (SES refused the address: its account-level suppression list holds it)',
        ),
      ),
    at: Timestamp,
    source: z.string().check(z.describe('bounce, complaint, admin or erasure')),
    sourceEvent: z.optional(
      z
        .string()
        .check(
          z.describe('The SES event behind it: `<type>:<SES feedbackId>:<SES messageId>`; never an address'),
        ),
    ),
    actor: z.optional(z.string().check(z.describe('The API key id, for manual and erasure entries'))),
    sesSuppressionList: z.optional(
      z
        .enum(['added', 'not_mirrored', 'removed', 'absent'])
        .check(
          z.describe(
            "POST and DELETE, when the deployment mirrors suppressions into SES's account-level list: `added` (POST); " +
              '`removed` or `absent` (it was not listed there) for a DELETE; `not_mirrored` for an entry SES is never told ' +
              'about (erased). A DELETE of an entry SES holds needs its address (`email`) unless its contact is known: 422 ' +
              '`address_required` otherwise, and nothing changes.',
          ),
        ),
    ),
  })
  .check(z.meta({ id: 'Suppression' }));
