import * as z from 'zod/mini';
import { Timestamp } from './common.ts';

export const Suppression = z
  .object({
    id: z
      .string()
      .check(z.describe('The address fingerprint (opaque hex): the id for DELETE /suppressions/{id}')),
    reason: z.string().check(z.describe('hard_bounce, soft_bounce, complaint, manual or erased')),
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
  })
  .check(z.meta({ id: 'Suppression' }));
