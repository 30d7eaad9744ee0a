import * as z from 'zod';
import { BouncePolicy } from '#shared/domain/bounce-policy.ts';
import { Timestamp } from './common.ts';
import { Email, Suppression } from './contacts.ts';

export const PutBouncePolicy = BouncePolicy.describe(
  'For each kind of bad feedback: how many within how many days trigger which action. `hard`: permanent ' +
    'bounces; `soft`: transient and undetermined ones (a successful delivery starts their count again); ' +
    '`complaint`: spam complaints (at least `suppress`). `suppress_and_withdraw` also withdraws the ' +
    "contact's e-marketing consent, recorded in its history with the feedback as source.",
);

export const BouncePolicySetting = z
  .object({
    hard: BouncePolicy.shape.hard,
    soft: BouncePolicy.shape.soft,
    complaint: BouncePolicy.shape.complaint,
    updatedAt: Timestamp.nullable().describe('null while the defaults apply'),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'BouncePolicy' });

export const SuppressionEntry = Suppression.extend({
  id: z.string().describe('The address fingerprint (opaque hex): the id for DELETE /suppressions/{id}'),
  reason: z
    .string()
    .describe(
      'hard_bounce, soft_bounce, complaint, manual, erased, or ses_suppressed (SES refused the address: its account-level suppression list holds it)',
    ),
  source: z.string().describe('bounce, complaint, admin or erasure'),
  sourceEvent: z
    .string()
    .optional()
    .describe('The SES event behind it: `<type>:<SES feedbackId>:<SES messageId>`; never an address'),
  actor: z.string().optional().describe('The API key id, for manual and erasure entries'),
  sesSuppressionList: z
    .enum(['added', 'not_mirrored', 'removed', 'absent'])
    .optional()
    .describe(
      "POST and DELETE, when the deployment mirrors suppressions into SES's account-level list: `added` (POST); " +
        '`removed` or `absent` (it was not listed there) for a DELETE; `not_mirrored` for an entry SES is never told ' +
        'about (erased). A DELETE of an entry SES holds needs its address (`email`) unless its contact is known: 422 ' +
        '`address_required` otherwise, and nothing changes.',
    ),
}).meta({ id: 'Suppression' });

export const FindSuppressionsQuery = z.object({ email: Email });

export const CreateSuppression = z.strictObject({
  email: Email,
  reason: z.enum(['manual', 'hard_bounce', 'soft_bounce', 'complaint']),
});

export const SuppressionParams = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/, 'Not a suppression id'),
});

export const DeleteSuppressionQuery = z.object({
  email: Email.optional().describe(
    'The address, when a contact holding it may not be known to the entry (created after it): its ' +
      'mirror is cleared too. It must belong to the entry.',
  ),
});
