/** A mailing at 14/s, a new production account's rate, finishes in time, never above the rate (test/helpers/rate-run.ts). */
import { itFinishesAtTheRate } from '#test/helpers/rate-run.ts';

itFinishesAtTheRate(14, 280);
