/**
 * A large mailing under faults at a real account's SES rate (test/helpers/fault-run.ts): 14/s, the
 * rate of a new production account, unless SES_RATE_PER_SECOND says otherwise. FAULT_SIZE (default
 * 2,000) sets the recipients, FAULT_SEED another set of fault decisions.
 */
import { describeFaultRun } from '#test/helpers/fault-run.ts';

describeFaultRun({
  rate: Number(process.env.SES_RATE_PER_SECOND ?? 14),
  size: Number(process.env.FAULT_SIZE ?? 2_000),
  seed: Number(process.env.FAULT_SEED ?? 20_250_901),
});
