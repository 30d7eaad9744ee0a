/**
 * Demo data for `npm start`. Idempotent: a second start finds the data and adds nothing (each type,
 * list and mailing is found by name and each contact by address before anything is created).
 *
 * Runs once the stack serves, and goes through the HTTP API with the typed client
 * (shared/client/), as a marketing app would: the demo data is recorded exactly as any API call
 * records it (history, memberships, actor), and the client is exercised on every start.
 */
import { subscriptionCenter } from '#shared/client/index.ts';
import type { LocalStack } from './stack.ts';

type Consent = 'granted' | 'withdrawn' | 'legitimate_interest' | 'none';
type Sub = 'subscribed' | 'unsubscribed';

interface DemoContact {
  email: string;
  firstName: string;
  lastName: string;
  locale: 'en' | 'sv' | 'de';
  consent: Consent;
  newsletter?: Sub;
  events?: Sub;
  interests?: string[];
}

/**
 * Every consent state (granted / withdrawn / none, and legitimate interest) and every subscription
 * state (subscribed / unsubscribed / never asked) of both types, three locales, a couple of interests,
 * and the SES mailbox-simulator addresses, so sending to the newsletter shows a bounce and a complaint.
 */
const demoContacts: DemoContact[] = [
  {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    locale: 'en',
    consent: 'granted',
    newsletter: 'subscribed',
    events: 'subscribed',
    interests: ['Product X'],
  },
  {
    email: 'bjorn@example.se',
    firstName: 'Björn',
    lastName: 'Lindqvist',
    locale: 'sv',
    consent: 'granted',
    newsletter: 'subscribed',
    events: 'unsubscribed',
  },
  {
    email: 'clara@example.de',
    firstName: 'Clara',
    lastName: 'Schumann',
    locale: 'de',
    consent: 'granted',
    newsletter: 'unsubscribed',
    events: 'subscribed',
    interests: ['Events'],
  },
  {
    email: 'david@example.com',
    firstName: 'David',
    lastName: 'Okafor',
    locale: 'en',
    consent: 'withdrawn',
    newsletter: 'subscribed',
  },
  { email: 'elsa@example.se', firstName: 'Elsa', lastName: 'Berg', locale: 'sv', consent: 'none' },
  {
    email: 'fritz@example.de',
    firstName: 'Fritz',
    lastName: 'Haber',
    locale: 'de',
    consent: 'legitimate_interest',
    newsletter: 'subscribed',
  },
  {
    email: 'greta@example.se',
    firstName: 'Greta',
    lastName: 'Nilsson',
    locale: 'sv',
    consent: 'withdrawn',
    newsletter: 'unsubscribed',
    events: 'unsubscribed',
  },
  {
    email: 'hans@example.de',
    firstName: 'Hans',
    lastName: 'Weber',
    locale: 'de',
    consent: 'none',
    newsletter: 'subscribed',
  },
  {
    email: 'ines@example.com',
    firstName: 'Ines',
    lastName: 'Moreau',
    locale: 'en',
    consent: 'granted',
    interests: ['Product X', 'Events'],
  },
  {
    email: 'jonas@example.com',
    firstName: 'Jonas',
    lastName: 'Berger',
    locale: 'de',
    consent: 'granted',
    events: 'subscribed',
  },
  {
    email: 'bounce@simulator.amazonses.com',
    firstName: 'Bounce',
    lastName: 'Simulator',
    locale: 'en',
    consent: 'granted',
    newsletter: 'subscribed',
  },
  {
    email: 'complaint@simulator.amazonses.com',
    firstName: 'Complaint',
    lastName: 'Simulator',
    locale: 'en',
    consent: 'granted',
    newsletter: 'subscribed',
  },
];

export const seedDemo = async (stack: LocalStack): Promise<{ preferenceUrl?: string }> => {
  const api = subscriptionCenter(stack.apiUrl, stack.adminKey);

  // Subscription types, found by name so a second start reuses them.
  const existingTypes = new Map(
    (await every((query) => api.GET('/subscription-types', { params: { query } }))).map((t) => [
      t.name,
      t.id,
    ]),
  );
  const typeId = async (name: string, description: string, translations: Record<string, { name: string }>) =>
    existingTypes.get(name) ??
    ok(
      await api.POST('/subscription-types', {
        body: { name, description, public: true, doubleOptIn: false, translations },
      }),
    ).id;
  const types = {
    newsletter: await typeId('Monthly newsletter', 'News and tips, once a month', {
      sv: { name: 'Månadsbrev' },
      de: { name: 'Monatlicher Newsletter' },
    }),
    events: await typeId('Event invitations', 'Invitations to webinars and meetups', {
      sv: { name: 'Inbjudningar till evenemang' },
      de: { name: 'Einladungen zu Veranstaltungen' },
    }),
  };

  // Contacts: created as an import would (source `import`), then the changes that give each its
  // state, so every state comes with its history (a withdrawal is recorded after its grant).
  const contactIds: string[] = [];
  for (const demo of demoContacts) {
    const found = ok(await api.GET('/contacts', { params: { query: { email: demo.email } } })).items[0];
    if (found) {
      contactIds.push(found.id);
      continue;
    }
    const subscriptions: Record<string, Sub> = {};
    if (demo.newsletter) subscriptions[types.newsletter] = 'subscribed';
    if (demo.events) subscriptions[types.events] = 'subscribed';
    const contact = ok(
      await api.POST('/contacts', {
        body: {
          email: demo.email,
          firstName: demo.firstName,
          lastName: demo.lastName,
          locale: demo.locale,
          ...(demo.interests ? { interests: demo.interests } : {}),
          ...(demo.consent === 'none'
            ? {}
            : {
                consent: {
                  status: 'granted',
                  legalBasis: demo.consent === 'legitimate_interest' ? 'legitimate_interest' : 'consent',
                  source: 'form',
                  evidence: { formId: 'demo-signup', textVersion: 'demo-1' },
                },
              }),
          subscriptions,
          source: 'import',
        },
      }),
    );
    const path = { params: { path: { id: contact.id } } };
    if (demo.consent === 'withdrawn')
      ok(
        await api.PUT('/contacts/{id}/consent', {
          ...path,
          body: { status: 'withdrawn', source: 'preference_page' },
        }),
      );
    for (const [key, status] of [
      ['newsletter', demo.newsletter],
      ['events', demo.events],
    ] as const) {
      if (status !== 'unsubscribed') continue;
      ok(
        await api.PUT('/contacts/{id}/subscriptions/{typeId}', {
          params: { path: { id: contact.id, typeId: types[key] } },
          body: { status: 'unsubscribed', source: 'one_click' },
        }),
      );
    }
    contactIds.push(contact.id);
  }

  // A target list (newsletter subscribers plus two contacts picked by hand) and a draft mailing to
  // it, found by name on later starts. Its recipient report shows every reason at once.
  const lists = new Map(
    (await every((query) => api.GET('/lists', { params: { query } }))).map((l) => [l.name, l.id]),
  );
  const listId =
    lists.get('Newsletter readers') ??
    ok(
      await api.POST('/lists', {
        body: {
          name: 'Newsletter readers',
          criteria: { subscribedTo: types.newsletter },
          contactIds: [contactIds[4], contactIds[8]].filter((id): id is string => Boolean(id)),
        },
      }),
    ).id;
  if (
    !(await every((query) => api.GET('/mailings', { params: { query } }))).some(
      (m) => m.name === 'Welcome to the newsletter',
    )
  ) {
    ok(
      await api.POST('/mailings', {
        body: {
          name: 'Welcome to the newsletter',
          subscriptionTypeId: types.newsletter,
          listId,
          from: 'Demo News <news@demo.example>',
          subject: 'Hello {{firstName}}, this month in short',
          text: 'Hi {{firstName}},\n\nthree things we shipped this month.\n\nChange what you get: {{preferencesUrl}}\nUnsubscribe: {{unsubscribeUrl}}',
          html: '<p>Hi {{firstName}},</p><p>Three things we shipped this month.</p><p><a href="{{preferencesUrl}}">Change what you get</a> · <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
        },
      }),
    );
  }

  // A preference-page link of the first demo contact, as a mail would carry it (signed here: no
  // route hands out tokens).
  const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
  const { signToken } = await import('#shared/domain/tokens.ts');
  const token = signToken(await signingKeys(), {
    p: 'preferences',
    c: contactIds[0] as string,
    t: types.newsletter,
  });
  return { preferenceUrl: `${stack.apiUrl}/p/${token}` };
};

/** The data of a successful answer; anything else stops the seed with the API's error. */
const ok = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
  if (result.data === undefined)
    throw new Error(`demo seed: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
};

/** Every item of a list route, page after page. */
const every = async (
  page: (query: { limit: number; cursor?: string }) => Promise<{
    data?: { items: Array<{ id: string; name: string }>; nextCursor: string | null };
    error?: unknown;
    response: Response;
  }>,
) => {
  const items: Array<{ id: string; name: string }> = [];
  let cursor: string | undefined;
  do {
    const data = ok(await page({ limit: 100, ...(cursor ? { cursor } : {}) }));
    items.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return items;
};
