import * as z from '#shared/schema/z.ts';
import { coercedNumber } from '#shared/schema/z.ts';
import { loadConfig } from '#shared/config/env.ts';
import { defaultStalledAfterMs, reconcile } from '#shared/use-cases/reconcile.ts';

// `STALLED_AFTER_MINUTES`: how long a mailing may show no progress before its work is queued again.
const env = loadConfig({
  STALLED_AFTER_MINUTES: z._default(
    coercedNumber().check(z.int(), z.minimum(1), z.maximum(24 * 60)),
    defaultStalledAfterMs / 60_000,
  ),
});

/** Run by a schedule (infra/constructs/reconciler.ts; locally a timer of the local stack). */
export const handler = async (): Promise<{ requeued: number }> => {
  const requeued = await reconcile({ stalledAfterMs: env.STALLED_AFTER_MINUTES * 60_000 });
  return { requeued: requeued.length };
};
