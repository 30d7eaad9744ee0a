/** A mailing at 1/s, a sandbox account's rate, finishes in time, never above the rate (test/helpers/rate-run.ts). */
import { itFinishesAtTheRate } from '#test/helpers/rate-run.ts';

itFinishesAtTheRate(1, 20);
