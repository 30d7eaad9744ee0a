import * as z from '#shared/schema/z.ts';
import { bouncePolicySchema, bounceRuleSchema } from '#shared/domain/bounce-policy.ts';
import { Timestamp } from './common.ts';

export const PutBouncePolicy = bouncePolicySchema().check(
  z.meta({
    id: 'PutBouncePolicyRequest',
    description:
      'For each kind of bad feedback: how many within how many days trigger which action. `hard`: permanent ' +
      'bounces; `soft`: transient and undetermined ones (a successful delivery starts their count again); ' +
      '`complaint`: spam complaints (at least `suppress`). `suppress_and_withdraw` also withdraws the ' +
      "contact's e-marketing consent, recorded in its history with the feedback as source.",
  }),
);

const bounceRule = bounceRuleSchema();

export const BouncePolicySetting = z
  .object({
    hard: bounceRule,
    soft: bounceRule,
    complaint: bounceRule,
    updatedAt: z.nullable(Timestamp).check(z.describe('null while the defaults apply')),
    updatedBy: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'BouncePolicy' }));
