/**
 * The subscription type pages. Each action calls the use case its JSON route calls, after
 * the same role check (the route's `auth`).
 */
import { type TypeRow, type TypeStats, typePage, typesPage } from '#shared/console/type-pages.ts';
import type { FormState } from '#shared/console/forms.ts';
import { typeStrings } from '#shared/console/type-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { subscriptionTypeReport } from '#shared/use-cases/audience-counts.ts';
import { getRecordedCounts, listMailings } from '#shared/use-cases/mailings.ts';
import {
  createSubscriptionType,
  getSubscriptionType,
  listSubscriptionTypes,
  updateSubscriptionType,
} from '#shared/use-cases/subscription-types.ts';
import { typeAudience } from '#shared/use-cases/type-audience.ts';
import { route as createSubscriptionTypeRoute } from '#functions/api/create-subscription-type.route.ts';
import { route as getSubscriptionTypeRoute } from '#functions/api/get-subscription-type.route.ts';
import { route as listSubscriptionTypesRoute } from '#functions/api/list-subscription-types.route.ts';
import { route as updateSubscriptionTypeRoute } from '#functions/api/update-subscription-type.route.ts';
import {
  checkBody,
  formErrors,
  mustMay,
  type SignedIn,
  signedIn,
  stateOf,
  valuesOf,
  viewerOf,
} from './common.ts';

type Message = { text: string; tone: 'ok' | 'warn' | 'bad' };

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
          translations: typeStrings[language].translationMalformed.replace('{line}', String(parsed.badLine)),
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
  mustMay(input, listSubscriptionTypesRoute);
  return typesList(input, stateOf({ public: 'on' }));
};

export const createType = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, createSubscriptionTypeRoute);
  const values = valuesOf(input.form, typeFields);
  const { body, errors } = typeBody(values, input.language, false);
  if (Object.keys(errors).length) return typesList(input, stateOf(values, errors), 422);
  try {
    const type = await createSubscriptionType(
      checkBody(createSubscriptionTypeRoute.body, body),
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
  // Drafts have sent nothing yet: only the others are shown, with their recorded counts.
  const sent = recent.items.filter((m) => m.status !== 'draft');
  const mailings = await Promise.all(
    sent.map(async (m) => {
      const counts = await getRecordedCounts(m.id);
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
  mustMay(input, getSubscriptionTypeRoute);
  const { id } = input.params as { id: string };
  const done = (input.query as { done?: string }).done;
  const t = typeStrings[input.language];
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
  mustMay(input, updateSubscriptionTypeRoute);
  const { id } = input.params as { id: string };
  const values = valuesOf(input.form, typeFields);
  const { body, errors } = typeBody(values, input.language, true);
  const found = await getSubscriptionType(id);
  const again = async (problems: Record<string, string>) =>
    html(typePage(viewerOf(input), found, stateOf(values, problems), await typeStats(input, id)), 422);
  if (Object.keys(errors).length) return again(errors);
  try {
    await updateSubscriptionType(id, checkBody(updateSubscriptionTypeRoute.body, body), input.session.actor);
    return seeOther(`/console/types/${id}?done=saved`);
  } catch (error) {
    return again(formErrors(error, typeFieldMap, 'name'));
  }
};
