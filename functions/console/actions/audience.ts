/**
 * The audience pages: contacts, subscription types, lists, suppressions and settings. Each action
 * calls the use case its JSON route calls, after the same role check (the route's `auth`).
 */
import { ConflictError, ValidationError } from '#shared/domain/errors.ts';
import {
  contactPage,
  contactsPage,
  listPage,
  listsPage,
  settingsPage,
  suppressionsPage,
  type TypeRow,
  type TypeStats,
  typePage,
  typesPage,
} from '#shared/console/audience-pages.ts';
import type { FormState } from '#shared/console/forms.ts';
import { consoleStrings } from '#shared/console/strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { subscriptionTypeReport } from '#shared/use-cases/audience-counts.ts';
import { getBouncePolicy, setBouncePolicy } from '#shared/use-cases/bounce-policy.ts';
import { exportContact } from '#shared/use-cases/contact-export.ts';
import { contactHistory, findContacts, getContact } from '#shared/use-cases/contacts.ts';
import { eraseContact } from '#shared/use-cases/erasure.ts';
import { getList, listContacts, listLists } from '#shared/use-cases/lists.ts';
import { sendPrivacyEmail } from '#shared/use-cases/privacy-email.ts';
import { getMailing, listMailings } from '#shared/use-cases/mailings.ts';
import { getSettings, setPrivacy } from '#shared/use-cases/settings.ts';
import {
  createSubscriptionType,
  getSubscriptionType,
  listSubscriptionTypes,
  updateSubscriptionType,
} from '#shared/use-cases/subscription-types.ts';
import { createSuppression, deleteSuppression, findSuppressions } from '#shared/use-cases/suppressions.ts';
import { typeAudience } from '#shared/use-cases/type-audience.ts';
import { api } from '../console.route.ts';
import { resolveNewList } from './lists.ts';
import {
  checkBody,
  formErrors,
  may,
  mustMay,
  type SignedIn,
  signedIn,
  stateOf,
  valuesOf,
  viewerOf,
} from './common.ts';

type Message = { text: string; tone: 'ok' | 'warn' | 'bad' };

const typeNames = async () =>
  Object.fromEntries((await listSubscriptionTypes(100)).items.map((t) => [t.id, t.name]));

// ---------------------------------------------------------------------------------------------
// Contacts

export const contacts = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.findContacts);
  const email = ((input.query as { email?: string }).email ?? '').trim();
  const t = consoleStrings[input.language];
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
    canErase: may(input, api.deleteContact),
    eraseState,
  };
};

export const contact = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.getContact);
  const { id } = input.params as { id: string };
  const { cursor, done } = input.query as { cursor?: string; done?: string };
  const t = consoleStrings[input.language];
  const message = done === 'privacy_email' ? { text: t.privacyEmailSent, tone: 'ok' as const } : undefined;
  return html(contactPage(viewerOf(input), await contactView(input, id, cursor), message));
};

export const contactAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const { id } = input.params as { id: string };
  const t = consoleStrings[input.language];
  const action = input.form.get('action');
  if (action === 'privacy_email') {
    mustMay(input, api.sendPrivacyEmail);
    await sendPrivacyEmail(id);
    return seeOther(`/console/contacts/${id}?done=privacy_email`);
  }
  if (action === 'erase') {
    mustMay(input, api.deleteContact);
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
  mustMay(input, api.exportContact);
  const { id } = input.params as { id: string };
  const everything = await exportContact(id);
  return {
    kind: 'file',
    filename: `contact-${id}.json`,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(everything, null, 2),
  };
};

// ---------------------------------------------------------------------------------------------
// Subscription types

const typeFields = ['name', 'description', 'public', 'doubleOptIn', 'archived', 'translations'];

/** `sv | Nyhetsbrev | Varje månad` lines → the API's `translations`, or the first bad line. */
const parseTranslations = (text: string) => {
  const out: Record<string, { name?: string; description?: string }> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const [locale, name, description] = line.split('|').map((part) => part.trim());
    if (!locale || (!name && !description)) return { badLine: i + 1 };
    out[locale] = { ...(name ? { name } : {}), ...(description ? { description } : {}) };
  }
  return { translations: out };
};

const translationsText = (type: TypeRow) =>
  Object.entries(type.translations ?? {})
    .map(([locale, tr]) => `${locale} | ${tr.name ?? ''} | ${tr.description ?? ''}`)
    .join('\n');

const typeBody = (values: Record<string, string>, language: SignedIn['language'], withArchive: boolean) => {
  const parsed = parseTranslations(values.translations ?? '');
  const errors: Record<string, string> =
    'badLine' in parsed
      ? {
          translations: consoleStrings[language].translationMalformed.replace(
            '{line}',
            String(parsed.badLine),
          ),
        }
      : {};
  return {
    body: {
      name: values.name ?? '',
      description: values.description ?? '',
      public: values.public === 'on',
      doubleOptIn: values.doubleOptIn === 'on',
      ...(withArchive ? { archived: values.archived === 'on' } : {}),
      ...('translations' in parsed && parsed.translations && Object.keys(parsed.translations).length
        ? { translations: parsed.translations }
        : withArchive
          ? { translations: null }
          : {}),
    },
    errors,
  };
};

const typeFieldMap = {
  name: 'name',
  description: 'description',
  translations: 'translations',
  public: 'public',
};

const typesList = async (input: SignedIn, state: FormState, status = 200, message?: Message) => {
  const cursor = (input.query as { cursor?: string }).cursor;
  const page = await listSubscriptionTypes(50, cursor);
  return html(typesPage(viewerOf(input), page.items, page.nextCursor, state, message), status);
};

export const types = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.listSubscriptionTypes);
  return typesList(input, stateOf({ public: 'on' }));
};

export const createType = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.createSubscriptionType);
  const values = valuesOf(input.form, typeFields);
  const { body, errors } = typeBody(values, input.language, false);
  if (Object.keys(errors).length) return typesList(input, stateOf(values, errors), 422);
  try {
    const type = await createSubscriptionType(
      checkBody(api.createSubscriptionType.body, body),
      input.session.actor,
    );
    return seeOther(`/console/types/${type.id}?done=created`);
  } catch (error) {
    return typesList(input, stateOf(values, formErrors(error, typeFieldMap, 'name')), 422);
  }
};

const typeStateOf = (type: TypeRow): FormState =>
  stateOf({
    name: type.name,
    description: type.description,
    public: type.public ? 'on' : '',
    doubleOptIn: type.doubleOptIn ? 'on' : '',
    archived: type.archived ? 'on' : '',
    translations: translationsText(type),
  });

/**
 * What the type page draws: today's subscribers, subscribers over the last 30 days and unsubscribes
 * by source (the use case GET /subscription-types/{id}/report calls), and the type's latest mailings
 * (sent, delivered), through the use cases GET /mailings and GET /mailings/{id} call.
 */
const typeStats = async (_input: SignedIn, id: string): Promise<TypeStats> => {
  const [audience, recent, report] = await Promise.all([
    typeAudience(id),
    listMailings({ limit: 10, subscriptionTypeId: id }),
    subscriptionTypeReport(id, {}),
  ]);
  const sent = recent.items.filter((m) => m.status !== 'draft');
  const mailings = await Promise.all(
    sent.map(async (m) => {
      const { counts } = await getMailing(m.id);
      return { id: m.id, name: m.name, sent: counts.sent, delivered: counts.delivered };
    }),
  );
  return {
    ...audience,
    days: report.days.map((d) => ({ date: d.date, total: d.total })),
    unsubscribes: report.summary.unsubscribesBySource,
    mailings,
  };
};

export const type = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.getSubscriptionType);
  const { id } = input.params as { id: string };
  const done = (input.query as { done?: string }).done;
  const t = consoleStrings[input.language];
  const found = await getSubscriptionType(id);
  const message =
    done === 'created'
      ? { text: t.typeCreated, tone: 'ok' as const }
      : done === 'saved'
        ? { text: t.typeSaved, tone: 'ok' as const }
        : undefined;
  return html(typePage(viewerOf(input), found, typeStateOf(found), await typeStats(input, id), message));
};

export const updateType = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.updateSubscriptionType);
  const { id } = input.params as { id: string };
  const values = valuesOf(input.form, typeFields);
  const { body, errors } = typeBody(values, input.language, true);
  const found = await getSubscriptionType(id);
  const again = async (problems: Record<string, string>) =>
    html(typePage(viewerOf(input), found, stateOf(values, problems), await typeStats(input, id)), 422);
  if (Object.keys(errors).length) return again(errors);
  try {
    await updateSubscriptionType(id, checkBody(api.updateSubscriptionType.body, body), input.session.actor);
    return seeOther(`/console/types/${id}?done=saved`);
  } catch (error) {
    return again(formErrors(error, typeFieldMap, 'name'));
  }
};

// ---------------------------------------------------------------------------------------------
// Lists

const listFields = ['listName', 'listKind', 'selectionType', 'interests', 'locale', 'addresses'];

const listsList = async (input: SignedIn, state: FormState, status = 200) => {
  const cursor = (input.query as { cursor?: string }).cursor;
  const [page, names] = await Promise.all([listLists(50, cursor), listSubscriptionTypes(100)]);
  const options = names.items.filter((t) => !t.archived).map((t) => ({ value: t.id, label: t.name }));
  return html(listsPage(viewerOf(input), page.items, page.nextCursor, state, options), status);
};

export const lists = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.listLists);
  return listsList(input, stateOf({ listKind: 'selection' }));
};

export const createListAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.createList);
  const values = valuesOf(input.form, listFields);
  const made = await resolveNewList(input, values);
  if ('errors' in made) return listsList(input, stateOf(values, made.errors), 422);
  return seeOther(`/console/lists/${made.listId}`);
};

export const list = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.getList);
  const { id } = input.params as { id: string };
  const cursor = (input.query as { cursor?: string }).cursor;
  const [found, members, names] = await Promise.all([getList(id), listContacts(id, 50, cursor), typeNames()]);
  return html(
    listPage(
      viewerOf(input),
      found,
      members.items.map((m) => ({ contactId: m.id, email: m.email })),
      members.nextCursor,
      names,
    ),
  );
};

// ---------------------------------------------------------------------------------------------
// Suppressions

const suppressionView = async (
  input: SignedIn,
  email: string,
  addState: FormState,
  message?: Message,
  status = 200,
) => {
  const canChange = may(input, api.createSuppression);
  let found: { id: string; reason: string; at: string } | null | undefined;
  let findState = stateOf({ email });
  if (email) {
    try {
      found = (await findSuppressions(email)).items[0] ?? null;
    } catch (error) {
      findState = stateOf({ email }, formErrors(error, { email: 'email' }, 'email'));
      status = 422;
    }
  }
  return html(suppressionsPage(viewerOf(input), { findState, found, canChange, addState }, message), status);
};

export const suppressions = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.findSuppressions);
  const { email, done } = input.query as { email?: string; done?: string };
  const t = consoleStrings[input.language];
  const message =
    done === 'added'
      ? { text: t.suppressed, tone: 'ok' as const }
      : done === 'lifted'
        ? { text: t.lifted, tone: 'ok' as const }
        : undefined;
  return suppressionView(input, (email ?? '').trim(), stateOf({ reason: 'manual' }), message);
};

export const suppressionAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const action = input.form.get('action');
  if (action === 'lift') {
    mustMay(input, api.deleteSuppression);
    const email = input.form.get('email') ?? '';
    await deleteSuppression(input.form.get('id') ?? '', input.session.actor, email || undefined);
    return seeOther(`/console/suppressions?done=lifted`);
  }
  mustMay(input, api.createSuppression);
  const values = { newEmail: input.form.get('newEmail') ?? '', reason: input.form.get('reason') ?? '' };
  try {
    await createSuppression(
      checkBody(api.createSuppression.body, { email: values.newEmail, reason: values.reason }),
      input.session.actor,
    );
    return seeOther(`/console/suppressions?done=added&email=${encodeURIComponent(values.newEmail)}`);
  } catch (error) {
    const errors =
      error instanceof ConflictError
        ? { newEmail: error.message }
        : formErrors(error, { email: 'newEmail', reason: 'reason' }, 'newEmail');
    return suppressionView(input, '', stateOf(values, errors), undefined, 422);
  }
};

// ---------------------------------------------------------------------------------------------
// Settings

const settingsView = async (input: SignedIn, bounceState?: FormState, message?: Message, status = 200) => {
  const [settings, bounce] = await Promise.all([getSettings(), getBouncePolicy()]);
  return html(
    settingsPage(
      viewerOf(input),
      {
        privacy: settings.privacy,
        bounce,
        canChangePrivacy: may(input, api.putPrivacySetting),
        canChangeBounce: may(input, api.putBouncePolicy),
        bounceState,
      },
      message,
    ),
    status,
  );
};

export const settings = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, api.getSettings);
  const done = (input.query as { done?: string }).done;
  const t = consoleStrings[input.language];
  let message: Message | undefined;
  if (done === 'on' || done === 'off')
    message = { text: t.privacySaved.replace('{state}', done === 'on' ? t.stateOn : t.stateOff), tone: 'ok' };
  if (done === 'bounce') message = { text: t.bounceSaved, tone: 'ok' };
  return settingsView(input, undefined, message);
};

export const saveSettings = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const action = input.form.get('action');
  if (action === 'privacy') {
    // The privacy switch is an administrator's, as PUT /settings/privacy is.
    mustMay(input, api.putPrivacySetting);
    const body = checkBody(api.putPrivacySetting.body, { enabled: input.form.get('enabled') === 'on' });
    const after = await setPrivacy(body.enabled, input.session.actor);
    return seeOther(`/console/settings?done=${after.privacy.enabled ? 'on' : 'off'}`);
  }
  mustMay(input, api.putBouncePolicy);
  const kinds = ['hard', 'soft', 'complaint'] as const;
  const names = kinds.flatMap((k) => [`${k}Count`, `${k}WindowDays`, `${k}Action`]);
  const values = valuesOf(input.form, names);
  const number = (value: string | undefined) => (value && /^\d+$/.test(value.trim()) ? Number(value) : value);
  const body = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        count: number(values[`${k}Count`]),
        windowDays: number(values[`${k}WindowDays`]),
        action: values[`${k}Action`],
      },
    ]),
  );
  try {
    await setBouncePolicy(checkBody(api.putBouncePolicy.body, body), input.session.actor);
    return seeOther('/console/settings?done=bounce');
  } catch (error) {
    const map = Object.fromEntries(
      kinds.flatMap((k) => [
        [`${k}.count`, `${k}Count`],
        [`${k}.windowDays`, `${k}WindowDays`],
        [`${k}.action`, `${k}Action`],
        [k, `${k}Count`],
      ]),
    );
    return settingsView(input, stateOf(values, formErrors(error, map, 'hardCount')), undefined, 422);
  }
};
