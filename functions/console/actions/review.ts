/**
 * The mailing wizard's last steps: the recipients (who gets it, who does not and why; the consent
 * override for admins) and the send. Each action calls the use case the JSON route calls and
 * renders; the API's schemas check the forms. A mailing past its draft shows the same report with
 * its delivery statuses; a form posted to it once it is sent answers 409 and leads to its progress.
 */
import { ConflictError, ForbiddenError } from '#shared/domain/errors.ts';
import { mayOverrideConsent } from '#shared/domain/mailing.ts';
import { recipientsStep, sendStep } from '#shared/console/review-pages.ts';
import { sendStrings } from '#shared/console/review-strings.ts';
import { notDraftPage } from '#shared/console/wizard-pages.ts';
import { OverrideChange } from '#shared/http/schemas/override.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import {
  getMailingTally,
  getStoredMailing,
  overrideReach,
  sendMailing,
  setOverride,
} from '#shared/use-cases/mailings.ts';
import { recipientReport } from '#shared/use-cases/recipient-report.ts';
import { checkBody, formErrors, type SignedIn, signedIn, stateOf, viewerOf } from './common.ts';

type Mailing = Awaited<ReturnType<typeof getMailingTally>>;

const idOf = (input: SignedIn) => (input.params as { id: string }).id;

/** With the override on, what the rule reaches without it and with it (the send step says both). */
const reachIfOverridden = (mailing: Mailing) =>
  mailing.overrideConsent && mailing.status === 'draft'
    ? overrideReach(mailing.id)
    : Promise.resolve(undefined);

const recipientsPage = async (
  input: SignedIn,
  mailing: Mailing,
  query: { reason?: string | undefined; cursor?: string | undefined },
  overrideState?: ReturnType<typeof stateOf>,
  status = 200,
) => {
  const canOverride = mailing.status === 'draft' && mayOverrideConsent(input.session.actor.role);
  const [report, reach] = await Promise.all([
    recipientReport(mailing.id, { reason: query.reason }, 50, query.cursor),
    canOverride ? overrideReach(mailing.id) : Promise.resolve(undefined),
  ]);
  return html(
    recipientsStep(viewerOf(input), {
      mailing,
      rows: report.items,
      nextCursor: report.nextCursor,
      reason: query.reason,
      cursor: query.cursor,
      reach,
      overrideState,
      canOverride,
    }),
    status,
  );
};

export const showRecipients = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  return recipientsPage(
    input,
    await getMailingTally(idOf(input)),
    input.query as { reason?: string; cursor?: string },
  );
};

/** The override box is an administrator's: the same rule the send applies. */
export const saveOverride = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const id = idOf(input);
  if (!mayOverrideConsent(input.session.actor.role))
    throw new ForbiddenError('The consent override needs an admin key');
  // The status alone decides what happens: the list is resolved only for a page to show.
  const stored = await getStoredMailing(id);
  if (stored.status !== 'draft') return html(notDraftPage(viewerOf(input), stored), 409);
  const on = input.form.get('overrideConsent') === 'on';
  const reason = input.form.get('overrideReason') ?? '';
  // A blank reason is no reason: the use case then says one is required.
  const changes = on
    ? { overrideConsent: true, ...(reason.trim() ? { overrideReason: reason } : {}) }
    : { overrideConsent: false };
  try {
    const checked = checkBody(OverrideChange, changes);
    await setOverride(id, { ...checked, overrideConsent: on });
    return seeOther(`/console/mailings/${id}/recipients`);
  } catch (error) {
    const errors = formErrors(
      error,
      { overrideReason: 'overrideReason', overrideConsent: 'overrideConsent' },
      'overrideReason',
    );
    return recipientsPage(
      input,
      await getMailingTally(id),
      {},
      stateOf({ overrideConsent: on ? 'on' : '', overrideReason: reason }, errors),
      422,
    );
  }
};

export const showSend = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const mailing = await getMailingTally(idOf(input));
  if (mailing.status !== 'draft') return seeOther(`/console/mailings/${mailing.id}`);
  return html(sendStep(viewerOf(input), { mailing, reach: await reachIfOverridden(mailing) }));
};

export const send = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const id = idOf(input);
  try {
    await sendMailing(id, input.session.actor);
    return seeOther(`/console/mailings/${id}?done=sent`);
  } catch (error) {
    const t = sendStrings[input.language];
    if (error instanceof ConflictError)
      return html(notDraftPage(viewerOf(input), await getStoredMailing(id), t.alreadySent), 409);
    if (error instanceof ForbiddenError) {
      const mailing = await getMailingTally(id);
      return html(
        sendStep(viewerOf(input), {
          mailing,
          reach: await reachIfOverridden(mailing),
          refusal: t.overrideForbidden,
        }),
        403,
      );
    }
    throw error;
  }
};
