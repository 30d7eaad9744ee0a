/**
 * The words of the mailing wizard, in English and Swedish: its frame (the step names, the steps'
 * nav, the way back), which every step shows, and the words of its first three steps
 * (configuration, content with a preview, target list). The recipients and send steps have theirs
 * in review-strings.ts. Pure.
 */
import { listWords } from './list-strings.ts';
import { stepWords } from './mailing-strings.ts';
import { type ConsoleLanguage, withSharedWords } from './strings.ts';

const frameEn = {
  back: 'Back',
  wizardLabel: 'Mailing wizard',
  stepOf: 'Step {n} of 5: {name}',
  notDraft: 'This mailing is no longer a draft: it can only be followed now.',
  toProgress: 'Follow its progress',
};

export type WizardFrameWords = typeof frameEn;

/** What every step of the wizard shows around its form, with the step names (mailing-strings.ts). */
export const wizardFrameWords: Record<ConsoleLanguage, WizardFrameWords> = {
  en: frameEn,
  sv: {
    back: 'Tillbaka',
    wizardLabel: 'Guiden för utskick',
    stepOf: 'Steg {n} av 5: {name}',
    notDraft: 'Utskicket är inte längre ett utkast: nu kan det bara följas.',
    toProgress: 'Följ förloppet',
  },
};

const en = {
  mailingName: 'Name',
  mailingNameHint: 'For you and your colleagues; recipients never see it.',
  sender: 'Sender',
  senderHint: 'An address of a verified domain, or Name <address>.',
  subscriptionType: 'Subscription type',
  subscriptionTypeHint:
    'Required. Only people who consented to e-marketing and subscribed to this type get the mailing (while the privacy filter is on).',
  subject: 'Subject',
  textBody: 'Text version',
  htmlBody: 'HTML version (optional)',
  mergeHint:
    'Merge fields: {{firstName}}, {{lastName}}, {{email}}, {{fields.NAME}}, {{preferencesUrl}}, {{unsubscribeUrl}}. Without {{unsubscribeUrl}} or {{preferencesUrl}} a footer with both is added.',
  links: 'Tracked links (optional)',
  linksHint: 'One per line: name = https://example.com/page. Place one in the text as {{links.name}}.',
  linksMalformed: 'Line {line}: write name = https://…',
  previewFor: 'Preview for the contact with this address',
  previewButton: 'Show preview',
  previewTitle: 'Preview for {email}',
  previewUnknown: 'No contact has this address.',
  previewNote:
    'Links in a preview are placeholders: a preview changes nobody’s subscriptions. The HTML version is shown as source.',
  previewHtml: 'HTML version (source)',
  useList: 'An existing list',
  chooseList: 'Choose a list',
  noLists: 'There are no lists yet: build one.',
  createDraft: 'Save and see the recipients',
};

const sv: typeof en = {
  mailingName: 'Namn',
  mailingNameHint: 'För dig och dina kollegor; mottagarna ser det aldrig.',
  sender: 'Avsändare',
  senderHint: 'En adress på en verifierad domän, eller Namn <adress>.',
  subscriptionType: 'Prenumerationstyp',
  subscriptionTypeHint:
    'Obligatorisk. Bara personer som samtyckt till e-marknadsföring och prenumererar på typen får utskicket (när integritetsfiltret är på).',
  subject: 'Ämne',
  textBody: 'Textversion',
  htmlBody: 'HTML-version (valfri)',
  mergeHint:
    'Kopplingsfält: {{firstName}}, {{lastName}}, {{email}}, {{fields.NAMN}}, {{preferencesUrl}}, {{unsubscribeUrl}}. Utan {{unsubscribeUrl}} eller {{preferencesUrl}} läggs en sidfot med båda till.',
  links: 'Spårade länkar (valfritt)',
  linksHint: 'En per rad: namn = https://example.com/sida. Placera en i texten som {{links.namn}}.',
  linksMalformed: 'Rad {line}: skriv namn = https://…',
  previewFor: 'Förhandsgranska för kontakten med den här adressen',
  previewButton: 'Visa förhandsgranskning',
  previewTitle: 'Förhandsgranskning för {email}',
  previewUnknown: 'Ingen kontakt har den här adressen.',
  previewNote:
    'Länkar i en förhandsgranskning är platshållare: den ändrar ingens prenumerationer. HTML-versionen visas som källkod.',
  previewHtml: 'HTML-version (källkod)',
  useList: 'En befintlig lista',
  chooseList: 'Välj en lista',
  noLists: 'Det finns inga listor ännu: bygg en.',
  createDraft: 'Spara och se mottagarna',
};

export const wizardStrings = /* @__PURE__ */ withSharedWords(stepWords, wizardFrameWords, listWords, {
  en,
  sv,
});

export type WizardStrings = (typeof wizardStrings)[ConsoleLanguage];
