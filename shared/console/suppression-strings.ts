/**
 * Why an address is suppressed, in English and Swedish: the suppressions page and the wizard's
 * recipient report add these words to their own (admin-strings.ts, wizard-strings.ts). Pure.
 */
import type { ConsoleLanguage } from './strings.ts';

const en = {
  suppressionReasons: {
    manual: 'Added by hand',
    hard_bounce: 'Hard bounce',
    soft_bounce: 'Repeated soft bounces',
    complaint: 'Complaint',
    erased: 'Erased contact',
    ses_suppressed: 'On SES’s suppression list',
  },
};

const sv: typeof en = {
  suppressionReasons: {
    manual: 'Tillagd för hand',
    hard_bounce: 'Hård studs',
    soft_bounce: 'Upprepade mjuka studsar',
    complaint: 'Klagomål',
    erased: 'Raderad kontakt',
    ses_suppressed: 'På SES spärrlista',
  },
};

export type SuppressionWords = { suppressionReasons: Record<string, string> };

export const suppressionWords: Record<ConsoleLanguage, SuppressionWords> = { en, sv };
