/**
 * Making a target list from a console form, for the wizard's list step and the lists page alike.
 */
import { ValidationError } from '#shared/domain/errors.ts';
import { listWords } from '#shared/console/list-strings.ts';
import { consoleStrings } from '#shared/console/strings.ts';
import { findContacts } from '#shared/use-cases/contacts.ts';
import { createList } from '#shared/use-cases/lists.ts';
import { route as createListRoute } from '#functions/api/create-list.route.ts';
import { checkBody, formErrors, type SignedIn } from './common.ts';

/**
 * A new list as the form describes it: a selection (subscribed to a type, interests, language) or a
 * static set of contacts found by address, made through the lists use case (the API's schema checks
 * the form). Answers its id, or the form's problems by field.
 */
export const resolveNewList = async (
  input: SignedIn,
  values: Record<string, string>,
): Promise<{ listId: string } | { errors: Record<string, string> }> => {
  const t = { ...consoleStrings[input.language], ...listWords[input.language] };
  const kind = values.listKind;
  const listFieldsMap = {
    name: 'listName',
    criteria: 'selectionType',
    'criteria.subscribedTo': 'selectionType',
    'criteria.interests': 'interests',
    'criteria.locale': 'locale',
    contactIds: 'addresses',
  };
  let body: Record<string, unknown>;
  if (kind === 'selection') {
    const interests = (values.interests ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    body = {
      name: values.listName ?? '',
      criteria: {
        subscribedTo: values.selectionType ?? '',
        ...(interests.length ? { interests: { any: interests } } : {}),
        ...(values.locale?.trim() ? { locale: values.locale.trim() } : {}),
      },
    };
  } else if (kind === 'static') {
    const emails = (values.addresses ?? '')
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 1000);
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const email of emails) {
      try {
        const found = await findContacts(email);
        const id = found.items[0]?.id;
        if (id) ids.push(id);
        else unknown.push(email);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        unknown.push(email);
      }
    }
    if (unknown.length)
      return { errors: { addresses: t.unknownAddresses.replace('{emails}', unknown.join(', ')) } };
    body = { name: values.listName ?? '', contactIds: ids };
  } else {
    return { errors: { listKind: t.listChoice } };
  }
  try {
    const list = await createList(checkBody(createListRoute.body, body));
    return { listId: list.id };
  } catch (error) {
    return { errors: formErrors(error, listFieldsMap, 'listKind') };
  }
};
