/**
 * The same mailing under faults (test/helpers/fault-run.ts) at an unbounded SES rate: every chunk is
 * one SES call, and the consumers race each other at full speed. FAULT_SIZE (default 2,000) and
 * FAULT_SEED as in faults.test.ts.
 */
import { describeFaultRun } from '#test/helpers/fault-run.ts';

describeFaultRun({
  rate: 100_000,
  size: Number(process.env.FAULT_SIZE ?? 2_000),
  seed: Number(process.env.FAULT_SEED ?? 20_250_901),
});
