/**
 * The mailings and a mailing's progress: the list, the progress view (counts, outcomes, rates), and
 * cancelling or resuming. Each action calls the use case the JSON route calls, after the same role
 * check (the API route's `auth`). The wizard's steps lead here once a draft is sent (review.ts).
 */
import { route as cancelMailingRoute } from '#functions/api/cancel-mailing.route.ts';
import { route as resumeMailingRoute } from '#functions/api/resume-mailing.route.ts';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import { isCancellable } from '#shared/domain/mailing.ts';
import { mailingsPage, progressPage } from '#shared/console/mailing-pages.ts';
import { mailingStrings } from '#shared/console/mailing-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import {
  cancelMailing,
  getMailingProgress,
  listMailings,
  resumeMailing,
} from '#shared/use-cases/mailings.ts';
import { may, mustMay, type SignedIn, signedIn, viewerOf } from './common.ts';

// ---------------------------------------------------------------------------------------------
// The list of mailings

export const home = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const cursor = (input.query as { cursor?: string }).cursor;
  const page = await listMailings({ limit: 25, ...(cursor ? { cursor } : {}) });
  return html(mailingsPage(viewerOf(input), page.items, page.nextCursor));
};

// ---------------------------------------------------------------------------------------------
// Progress

export const progress = async (
  input: SignedIn,
  id: string,
  message?: { text: string; tone: 'ok' | 'warn' | 'bad' },
  status = 200,
): Promise<ConsoleResponse> => {
  const mailing = await getMailingProgress(id);
  // A draft has no progress yet: its wizard shows what it would reach.
  if (!mailing) return seeOther(`/console/mailings/${id}/recipients`);
  const counts = mailing.counts as typeof mailing.counts & { unsubscribed?: number };
  return html(
    progressPage(viewerOf(input), {
      mailing: { ...mailing, unsubscribed: counts.unsubscribed },
      message,
      canCancel: isCancellable(mailing.status) && may(input, cancelMailingRoute),
      // Paused, or with chunks in the dead-letter queue: resume serves both.
      canResume: (mailing.status === 'paused' || 'deadLetters' in mailing) && may(input, resumeMailingRoute),
    }),
    status,
  );
};

export const showMailing = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const { id } = input.params as { id: string };
  const done = (input.query as { done?: string }).done;
  const t = mailingStrings[input.language];
  const messages: Record<string, { text: string; tone: 'ok' | 'warn' }> = {
    sent: { text: t.sentNotice, tone: 'ok' },
    cancelled: { text: t.cancelled, tone: 'ok' },
    resumed: { text: t.resumed, tone: 'ok' },
  };
  return progress(input, id, done ? messages[done] : undefined);
};

export const mailingAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const { id } = input.params as { id: string };
  const action = input.form.get('action');
  try {
    if (action === 'cancel') {
      mustMay(input, cancelMailingRoute);
      await cancelMailing(id, input.session.actor);
      return seeOther(`/console/mailings/${id}?done=cancelled`);
    }
    if (action === 'resume') {
      mustMay(input, resumeMailingRoute);
      await resumeMailing(id, input.session.actor);
      return seeOther(`/console/mailings/${id}?done=resumed`);
    }
  } catch (error) {
    if (error instanceof ConflictError)
      return progress(input, id, { text: error.message, tone: 'warn' }, 409);
    throw error;
  }
  throw new NotFoundError('No such action');
};
