/**
 * The words of the subscription type pages, in English and Swedish, with the words
 * every page shows (strings.ts). Pure.
 */
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import {
  archivedColumn,
  chartWords,
  columnsOf,
  countColumn,
  dateColumn,
  nameColumn,
  publicColumn,
  sourceColumn,
  subscribersColumn,
} from './table-strings.ts';

const en = {
  yes: 'Yes',
  no: 'No',
  // Types
  typesTitle: 'Subscription types',
  createType: 'Create a subscription type',
  typeName: 'Name',
  typeDescription: 'Description (shown on the preference page)',
  typePublic: 'Public: shown on the preference page',
  typeDoubleOptIn: 'Double opt-in: a subscription waits for a confirmation click',
  typeArchived: 'Archived: no new subscriptions or mailings (unsubscribing still works)',
  translations: 'Translations',
  translationsHint: 'One per line: language | name | description, such as sv | Nyhetsbrev | Varje månad.',
  translationMalformed: 'Line {line}: write language | name | description',
  typeSaved: 'Saved.',
  typeCreated: 'The subscription type is created.',
  typeReport: 'Subscribers over time',
  subscribersNow: 'Subscribers now',
  typeMailings: 'Latest mailings of this type',
  typeMailingsCaption: 'Sent and delivered per mailing',
  unsubscribesBySource: 'Unsubscribes by source',
};

const sv: typeof en = {
  yes: 'Ja',
  no: 'Nej',
  typesTitle: 'Prenumerationstyper',
  createType: 'Skapa en prenumerationstyp',
  typeName: 'Namn',
  typeDescription: 'Beskrivning (visas på inställningssidan)',
  typePublic: 'Publik: visas på inställningssidan',
  typeDoubleOptIn: 'Dubbel bekräftelse: en prenumeration väntar på ett bekräftelseklick',
  typeArchived: 'Arkiverad: inga nya prenumerationer eller utskick (avregistrering fungerar fortfarande)',
  translations: 'Översättningar',
  translationsHint: 'En per rad: språk | namn | beskrivning, t.ex. sv | Nyhetsbrev | Varje månad.',
  translationMalformed: 'Rad {line}: skriv språk | namn | beskrivning',
  typeSaved: 'Sparat.',
  typeCreated: 'Prenumerationstypen är skapad.',
  typeReport: 'Prenumeranter över tid',
  subscribersNow: 'Prenumeranter nu',
  typeMailings: 'Typens senaste utskick',
  typeMailingsCaption: 'Skickade och levererade per utskick',
  unsubscribesBySource: 'Avregistreringar per källa',
};

export const typeStrings = /* @__PURE__ */ withSharedWords(
  /* @__PURE__ */ columnsOf({
    archived: archivedColumn,
    count: countColumn,
    date: dateColumn,
    name: nameColumn,
    public: publicColumn,
    source: sourceColumn,
    subscribers: subscribersColumn,
  }),
  chartWords,
  { en, sv },
);

export type TypeStrings = (typeof typeStrings)[ConsoleLanguage];
