/**
 * The contact pages: find a contact, a contact with its history, the "manage your subscriptions"
 * e-mail, erasure and the export. Each action calls the use case its JSON route calls, after the
 * same role check (the route's `auth`).
 */
import { ValidationError } from '#shared/domain/errors.ts';
import { contactPage, contactsPage } from '#shared/console/contact-pages.ts';
import type { FormState } from '#shared/console/forms.ts';
import { contactStrings } from '#shared/console/contact-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { exportContact } from '#shared/use-cases/contact-export.ts';
import { contactHistory, findContacts, getContact } from '#shared/use-cases/contacts.ts';
import { eraseContact } from '#shared/use-cases/erasure.ts';
import { sendPrivacyEmail } from '#shared/use-cases/privacy-email.ts';
import { route as deleteContactRoute } from '#functions/api/delete-contact.route.ts';
import { route as exportContactRoute } from '#functions/api/export-contact.route.ts';
import { route as findContactsRoute } from '#functions/api/find-contacts.route.ts';
import { route as getContactRoute } from '#functions/api/get-contact.route.ts';
import { route as sendPrivacyEmailRoute } from '#functions/api/send-privacy-email.route.ts';
import { formErrors, may, mustMay, type SignedIn, signedIn, stateOf, viewerOf } from './common.ts';
import { typeNames } from './type-names.ts';

export const contacts = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, findContactsRoute);
  const email = ((input.query as { email?: string }).email ?? '').trim();
  const t = contactStrings[input.language];
  const done = (input.query as { done?: string }).done;
  if (!email) return html(contactsPage(viewerOf(input), stateOf({}), undefined));
  try {
    const found = (await findContacts(email)).items[0];
    return html(
      contactsPage(
        viewerOf(input),
        stateOf({ email }),
        found ? { id: found.id, email: found.email } : null,
        done ? { text: t.erased, tone: 'ok' } : undefined,
      ),
    );
  } catch (error) {
    return html(
      contactsPage(
        viewerOf(input),
        stateOf({ email }, formErrors(error, { email: 'email' }, 'email')),
        undefined,
      ),
      422,
    );
  }
};

const contactView = async (input: SignedIn, id: string, cursor?: string, eraseState?: FormState) => {
  const [contact, history, names] = await Promise.all([
    getContact(id),
    contactHistory(id, 25, cursor),
    typeNames(),
  ]);
  return {
    contact,
    typeNames: names,
    history: history.items as never,
    nextCursor: history.nextCursor,
    canErase: may(input, deleteContactRoute),
    eraseState,
  };
};

export const contact = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, getContactRoute);
  const { id } = input.params as { id: string };
  const { cursor, done } = input.query as { cursor?: string; done?: string };
  const t = contactStrings[input.language];
  const message = done === 'privacy_email' ? { text: t.privacyEmailSent, tone: 'ok' as const } : undefined;
  return html(contactPage(viewerOf(input), await contactView(input, id, cursor), message));
};

export const contactAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const { id } = input.params as { id: string };
  const t = contactStrings[input.language];
  const action = input.form.get('action');
  if (action === 'privacy_email') {
    mustMay(input, sendPrivacyEmailRoute);
    await sendPrivacyEmail(id);
    return seeOther(`/console/contacts/${id}?done=privacy_email`);
  }
  if (action === 'erase') {
    mustMay(input, deleteContactRoute);
    if (input.form.get('confirm') !== 'on') {
      const state = stateOf({}, { confirm: t.eraseNeedsConfirm });
      return html(contactPage(viewerOf(input), await contactView(input, id, undefined, state)), 422);
    }
    await eraseContact(id, input.session.actor);
    return seeOther('/console/contacts?done=erased');
  }
  throw new ValidationError('No such action');
};

export const contactDownload = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, exportContactRoute);
  const { id } = input.params as { id: string };
  const everything = await exportContact(id);
  return {
    kind: 'file',
    filename: `contact-${id}.json`,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(everything, null, 2),
  };
};
