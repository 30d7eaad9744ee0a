/**
 * Demo data for `npm start`. Idempotent: a second start finds the data and adds nothing (each type
 * is found by name and each contact by address before anything is created).
 *
 * Runs in the local stack's process once its variables are set, calling the use cases directly, so
 * the demo data is recorded exactly as API calls would record it (history, memberships, actor).
 */
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
  // Imported here: the modules read the stack's variables when they first run.
  const { systemActor } = await import('#shared/domain/api-key.ts');
  const { createSubscriptionType, listSubscriptionTypes } = await import(
    '#shared/use-cases/subscription-types.ts'
  );
  const { createContact, findContacts, setContactConsent, setContactSubscription } = await import(
    '#shared/use-cases/contacts.ts'
  );
  const actor = systemActor('demo seed');

  // Subscription types, found by name so a second start reuses them.
  const existingTypes = new Map((await listSubscriptionTypes(100)).items.map((t) => [t.name, t.id]));
  const typeId = async (name: string, description: string, translations: Record<string, { name: string }>) =>
    existingTypes.get(name) ??
    (
      await createSubscriptionType(
        { name, description, public: true, doubleOptIn: false, translations },
        actor,
      )
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
    const found = (await findContacts(demo.email)).items[0];
    if (found) {
      contactIds.push(found.id);
      continue;
    }
    const subscriptions: Record<string, Sub> = {};
    if (demo.newsletter === 'subscribed' || demo.newsletter === 'unsubscribed')
      subscriptions[types.newsletter] = 'subscribed';
    if (demo.events === 'subscribed' || demo.events === 'unsubscribed')
      subscriptions[types.events] = 'subscribed';
    const contact = await createContact(
      {
        email: demo.email,
        firstName: demo.firstName,
        lastName: demo.lastName,
        locale: demo.locale,
        ...(demo.interests ? { interests: demo.interests } : {}),
        ...(demo.consent === 'none'
          ? {}
          : {
              consent: {
                status: 'granted' as const,
                legalBasis:
                  demo.consent === 'legitimate_interest'
                    ? ('legitimate_interest' as const)
                    : ('consent' as const),
                source: 'form' as const,
                evidence: { formId: 'demo-signup', textVersion: 'demo-1' },
              },
            }),
        subscriptions,
        source: 'import',
      },
      actor,
    );
    if (demo.consent === 'withdrawn') {
      await setContactConsent(contact.id, { status: 'withdrawn', source: 'preference_page' }, actor);
    }
    for (const [key, status] of [
      ['newsletter', demo.newsletter],
      ['events', demo.events],
    ] as const) {
      if (status === 'unsubscribed') {
        await setContactSubscription(
          contact.id,
          types[key],
          { status: 'unsubscribed', source: 'one_click' },
          actor,
        );
      }
    }
    contactIds.push(contact.id);
  }

  // A target list (newsletter subscribers plus two contacts picked by hand) and a draft mailing to
  // it, found by name on later starts. Its recipient report shows every reason at once.
  const { createList } = await import('#shared/use-cases/lists.ts');
  const { createMailing } = await import('#shared/use-cases/mailings.ts');
  const { apps } = await demoCatalogue();
  let listId = apps.lists.get('Newsletter readers');
  if (!listId) {
    listId = (
      await createList({
        name: 'Newsletter readers',
        criteria: { subscribedTo: types.newsletter },
        contactIds: [contactIds[4], contactIds[8]].filter((id): id is string => Boolean(id)),
      })
    ).id;
  }
  if (!apps.mailings.has('Welcome to the newsletter')) {
    await createMailing(
      {
        name: 'Welcome to the newsletter',
        subscriptionTypeId: types.newsletter,
        listId,
        from: 'Demo News <news@demo.example>',
        subject: 'Hello {{firstName}}, this month in short',
        text: 'Hi {{firstName}},\n\nthree things we shipped this month.\n\nChange what you get: {{preferencesUrl}}\nUnsubscribe: {{unsubscribeUrl}}',
        html: '<p>Hi {{firstName}},</p><p>Three things we shipped this month.</p><p><a href="{{preferencesUrl}}">Change what you get</a> · <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
      },
      actor,
    );
  }

  // A preference-page link of the first demo contact, as a mail would carry it.
  const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
  const { signToken } = await import('#shared/domain/tokens.ts');
  const token = signToken(await signingKeys(), {
    p: 'preferences',
    c: contactIds[0] as string,
    t: types.newsletter,
  });
  return { preferenceUrl: `${stack.apiUrl}/p/${token}` };
};

/** Lists and mailings already seeded, by name (read through the app table's byKind index). */
const demoCatalogue = async () => {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { dynamo, tableName } = await import('#shared/adapters/dynamodb/client.ts');
  const byName = async (kind: string) => {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('app'),
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': kind },
      }),
    );
    return new Map((result.Items ?? []).map((item) => [String(item.name), String(item.id)]));
  };
  return { apps: { lists: await byName('LIST'), mailings: await byName('MAILING') } };
};
