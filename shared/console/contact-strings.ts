/**
 * The words of the contact pages, in English and Swedish, with the words
 * every page shows (strings.ts). Pure.
 */
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import {
  actorColumn,
  changeColumn,
  columnsOf,
  evidenceColumn,
  fromColumn,
  sourceColumn,
  statusColumn,
  toColumn,
  typeColumn,
  whenColumn,
} from './table-strings.ts';

const en = {
  // Contacts
  contactsTitle: 'Contacts',
  findContact: 'Find a contact by address',
  noContact: 'No contact has this address.',
  contactTitle: 'Contact',
  consent: 'E-marketing consent',
  consentStatuses: { granted: 'Granted', withdrawn: 'Withdrawn', none: 'Not given' } as Record<
    string,
    string
  >,
  subscriptions: 'Subscriptions',
  subscriptionStatuses: {
    subscribed: 'Subscribed',
    unsubscribed: 'Unsubscribed',
    pending: 'Waiting for confirmation',
  } as Record<string, string>,
  noSubscriptions: 'No subscriptions.',
  history: 'History',
  moreHistory: 'Older changes',
  privacyEmail: 'Send the “manage your subscriptions” e-mail',
  privacyEmailSent: 'The e-mail is on its way to the contact.',
  exportContact: 'Download everything stored about this contact (JSON)',
  erase: 'Erase this contact',
  eraseConfirm: 'I understand that erasing cannot be undone',
  eraseNeedsConfirm: 'Tick the box to confirm.',
  erased:
    'The contact is erased. Only a fingerprint of the address remains, so that it is never mailed again.',
};

const sv: typeof en = {
  contactsTitle: 'Kontakter',
  findContact: 'Hitta en kontakt via adress',
  noContact: 'Ingen kontakt har den här adressen.',
  contactTitle: 'Kontakt',
  consent: 'Samtycke till e-marknadsföring',
  consentStatuses: { granted: 'Givet', withdrawn: 'Återkallat', none: 'Inte givet' },
  subscriptions: 'Prenumerationer',
  subscriptionStatuses: {
    subscribed: 'Prenumererar',
    unsubscribed: 'Avslutad',
    pending: 'Väntar på bekräftelse',
  },
  noSubscriptions: 'Inga prenumerationer.',
  history: 'Historik',
  moreHistory: 'Äldre ändringar',
  privacyEmail: 'Skicka mejlet ”hantera dina prenumerationer”',
  privacyEmailSent: 'Mejlet är på väg till kontakten.',
  exportContact: 'Ladda ner allt som lagras om kontakten (JSON)',
  erase: 'Radera kontakten',
  eraseConfirm: 'Jag förstår att en radering inte kan ångras',
  eraseNeedsConfirm: 'Kryssa i rutan för att bekräfta.',
  erased:
    'Kontakten är raderad. Bara ett fingeravtryck av adressen finns kvar, så att den aldrig mejlas igen.',
};

export const contactStrings = /* @__PURE__ */ withSharedWords(
  /* @__PURE__ */ columnsOf({
    actor: actorColumn,
    change: changeColumn,
    evidence: evidenceColumn,
    from: fromColumn,
    source: sourceColumn,
    status: statusColumn,
    to: toColumn,
    type: typeColumn,
    when: whenColumn,
  }),
  { en, sv },
);

export type ContactStrings = (typeof contactStrings)[ConsoleLanguage];
