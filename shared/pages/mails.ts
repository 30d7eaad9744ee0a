/**
 * The transactional mails the hosted pages send: the double opt-in confirmation and the magic
 * (preference access) link. Text and HTML, in the person's language; nothing but the link is
 * personal. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml } from '#shared/domain/render.ts';
import { fill } from './strings.ts';
import { confirmMailStrings } from './strings/confirm-mail.ts';
import { magicMailStrings } from './strings/magic-mail.ts';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const mail = (
  language: Language,
  subject: string,
  intro: string,
  action: string,
  url: string,
  ignore: string,
) => ({
  subject: subject.replace(/[\r\n]+/g, ' '),
  text: `${intro}\n\n${url}\n\n${ignore}\n`,
  html:
    `<!doctype html><html lang="${language}"><body><p>${escapeHtml(intro)}</p>` +
    `<p><a href="${escapeHtml(url)}">${escapeHtml(action)}</a></p>` +
    `<p>${escapeHtml(ignore)}</p></body></html>`,
});

/** "Please confirm your subscription to {type}", with the confirm link. */
export const confirmationMail = (language: Language, typeName: string, confirmUrl: string): MailContent => {
  const t = confirmMailStrings[language];
  return mail(
    language,
    fill(t.confirmMailSubject, { type: typeName }),
    fill(t.confirmMailIntro, { type: typeName }),
    t.confirmMailAction,
    confirmUrl,
    t.confirmMailIgnore,
  );
};

/** The preference link asked for on `GET /p` (valid 7 days). */
export const magicLinkMail = (language: Language, preferencesUrl: string): MailContent => {
  const t = magicMailStrings[language];
  return mail(
    language,
    t.magicMailSubject,
    t.magicMailIntro,
    t.magicMailAction,
    preferencesUrl,
    t.magicMailIgnore,
  );
};
