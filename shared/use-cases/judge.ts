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
