import { type EligibilityResult, evaluate, type SubscriptionStatus } from '#shared/domain/eligibility.ts';
import type { ConsentStatus } from '#shared/domain/eligibility.ts';
import type { Member } from '#shared/domain/list.ts';

export interface MailingRule {
  subscriptionTypeId: string;
  overrideConsent: boolean;
}

/** The eligibility rule applied to a list member as read from the index or a contact item. */
export const judge = (mailing: MailingRule, privacyEnabled: boolean, member: Member): EligibilityResult =>
  evaluate(
    { typeId: mailing.subscriptionTypeId, overrideConsent: mailing.overrideConsent },
    privacyEnabled,
    {
      email: member.email,
      consent: (member.consent ?? 'none') as ConsentStatus,
      subscriptionStatus: member.subscriptions?.[mailing.subscriptionTypeId] as
        | SubscriptionStatus
        | undefined,
    },
    member.suppressed ? { reason: member.suppressed } : undefined,
  );

/** The reason to show and store: a suppression carries its own reason as detail. */
export const detailOf = (result: EligibilityResult): string | undefined =>
  result.reason === 'suppressed' ? result.suppressionReason : undefined;

/**
 * The verdict with the detail a row keeps: the suppression reason, or for a recipient included by
 * the consent override, what the rule would have said without it (`needed_override:no_consent`).
 * Those rows are the ones "reached only because of the override" that the audit counts.
 */
export const verdictFor = (mailing: MailingRule, privacyEnabled: boolean, member: Member) => {
  const result = judge(mailing, privacyEnabled, member);
  let detail = detailOf(result);
  if (result.reason === 'override') {
    const without = judge({ ...mailing, overrideConsent: false }, privacyEnabled, member);
    if (without.verdict === 'excluded') detail = `${neededOverride}${without.reason}`;
  }
  return { result, detail };
};

export const neededOverride = 'needed_override:';
