/**
 * The words of making a target list (a selection or static addresses), in English and Swedish, which
 * the wizard's list step adds to its own (wizard-strings.ts); and the words of the list pages. Pure.
 */
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import { columnsOf, createdColumn, emailColumn, membersColumn, nameColumn } from './table-strings.ts';

const en = {
  listChoice: 'Which list?',
  buildSelection: 'A new selection: everyone subscribed to a type',
  buildStatic: 'A new static list: these contacts',
  newListName: 'Name of the new list',
  selectionType: 'Subscribed to',
  selectionInterests: 'With any of these interests (optional, comma-separated)',
  selectionLocale: 'Language (optional, such as sv)',
  staticAddresses: 'Addresses, one per line',
  unknownAddresses: 'No contact has these addresses: {emails}',
};

const sv: typeof en = {
  listChoice: 'Vilken lista?',
  buildSelection: 'Ett nytt urval: alla som prenumererar på en typ',
  buildStatic: 'En ny statisk lista: de här kontakterna',
  newListName: 'Den nya listans namn',
  selectionType: 'Prenumererar på',
  selectionInterests: 'Med något av dessa intressen (valfritt, kommaseparerat)',
  selectionLocale: 'Språk (valfritt, t.ex. sv)',
  staticAddresses: 'Adresser, en per rad',
  unknownAddresses: 'Ingen kontakt har de här adresserna: {emails}',
};

export type ListWords = typeof en;

export const listWords: Record<ConsoleLanguage, ListWords> = { en, sv };

const pagesEn = {
  listsTitle: 'Lists',
  createList: 'Create a list',
  listCreated: 'The list is created.',
  listTitle: 'List',
  criteria: 'Selection',
  staticMembers: 'Static members',
  noMembers: 'Nobody on this list.',
  moreMembers: 'More members',
};

const pagesSv: typeof pagesEn = {
  listsTitle: 'Listor',
  createList: 'Skapa en lista',
  listCreated: 'Listan är skapad.',
  listTitle: 'Lista',
  criteria: 'Urval',
  staticMembers: 'Statiska medlemmar',
  noMembers: 'Ingen på listan.',
  moreMembers: 'Fler medlemmar',
};

/** The list pages' words: those every page shows, making a list, and their own. */
export const listPageStrings = /* @__PURE__ */ withSharedWords(
  listWords,
  /* @__PURE__ */ columnsOf({
    created: createdColumn,
    email: emailColumn,
    members: membersColumn,
    name: nameColumn,
  }),
  { en: pagesEn, sv: pagesSv },
);

export type ListPageStrings = (typeof listPageStrings)[ConsoleLanguage];
