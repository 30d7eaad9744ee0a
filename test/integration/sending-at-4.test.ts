/** A mailing at 4/s finishes in time, never above the rate (test/helpers/rate-run.ts). */
import { itFinishesAtTheRate } from '#test/helpers/rate-run.ts';

itFinishesAtTheRate(4, 80);
