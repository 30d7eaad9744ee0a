/**
 * Rendering one marketing message for one recipient: merge fields, the opt-out footer, and the
 * headers every marketing e-mail carries (RFC 2369/8058, Gmail/Yahoo bulk-sender rules). Pure.
 *
 * Values are escaped for where they land: HTML-escaped in the HTML part, as is in the text part
 * and subject (a name with `<script>` arrives as text), and header values lose CR/LF so nobody can
 * inject a header through a name.
 */
import { footerText, type Language } from './i18n.ts';
import { hasOptOutLink } from './mailing.ts';

export interface MessageContent {
  subject: string;
  text: string;
  html?: string | undefined;
}

export interface Recipient {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  fields?: Record<string, unknown> | undefined;
  language: Language;
}

export interface Links {
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** `mailto:` URI for List-Unsubscribe, if an unsubscribe mailbox is configured. */
  unsubscribeMailto?: string | undefined;
  /** This recipient's signed URL of each tracked link the body uses, by name (`{{links.NAME}}`). */
  tracked?: Readonly<Record<string, string>> | undefined;
}

export interface Rendered {
  subject: string;
  text: string;
  html?: string;
  headers: Array<{ name: string; value: string }>;
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => htmlEscapes[c] as string);

const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

const mergeField = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

const mergeValue = (name: string, recipient: Recipient, links: Links): string => {
  switch (name) {
    case 'firstName':
      return recipient.firstName ?? '';
    case 'lastName':
      return recipient.lastName ?? '';
    case 'email':
      return recipient.email;
    case 'unsubscribeUrl':
      return links.unsubscribeUrl;
    case 'preferencesUrl':
      return links.preferencesUrl;
    default: {
      if (name.startsWith('links.')) return links.tracked?.[name.slice(6)] ?? '';
      if (!name.startsWith('fields.')) return '';
      const value = recipient.fields?.[name.slice(7)];
      return value === undefined || value === null ? '' : String(value);
    }
  }
};

export const mergeText = (template: string, recipient: Recipient, links: Links): string =>
  template.replace(mergeField, (_, name: string) => mergeValue(name, recipient, links));

export const mergeHtml = (template: string, recipient: Recipient, links: Links): string =>
  template.replace(mergeField, (_, name: string) => escapeHtml(mergeValue(name, recipient, links)));

const footer = (language: Language, typeName: string, links: Links) => {
  const t = footerText[language];
  const reason = t.reason.replace('{type}', typeName);
  return {
    text: `\n\n--\n${reason}\n${t.unsubscribe}: ${links.unsubscribeUrl}\n${t.preferences}: ${links.preferencesUrl}\n`,
    html:
      `<hr><p style="font-size:12px;color:#555">${escapeHtml(reason)}<br>` +
      `<a href="${escapeHtml(links.unsubscribeUrl)}">${escapeHtml(t.unsubscribe)}</a> · ` +
      `<a href="${escapeHtml(links.preferencesUrl)}">${escapeHtml(t.preferences)}</a></p>`,
  };
};

/** Inserts the footer before `</body>` when there is one, else at the end. */
const appendHtml = (html: string, addition: string) => {
  const at = html.search(/<\/body\s*>/i);
  return at === -1 ? html + addition : html.slice(0, at) + addition + html.slice(at);
};

/**
 * The `List-Id` value (RFC 2919) for a subscription type: its name as the phrase, its id under the
 * sender's domain as the identifier, so Gmail can group and filter mail of one type.
 */
export const listId = (typeName: string, typeId: string, domain: string): string =>
  `"${oneLine(typeName).replace(/["\\]/g, '')}" <${typeId.toLowerCase()}.${domain}>`;

export const render = (
  content: MessageContent,
  recipient: Recipient,
  links: Links,
  type: { id: string; name: string; listDomain: string },
): Rendered => {
  const text = mergeText(content.text, recipient, links);
  const html = content.html === undefined ? undefined : mergeHtml(content.html, recipient, links);
  const needsFooter = !hasOptOutLink(content.text) && !(content.html && hasOptOutLink(content.html));
  const foot = needsFooter ? footer(recipient.language, type.name, links) : undefined;
  const unsubscribe = [
    `<${links.unsubscribeUrl}>`,
    ...(links.unsubscribeMailto ? [`<${links.unsubscribeMailto}>`] : []),
  ];
  return {
    subject: oneLine(mergeText(content.subject, recipient, links)),
    text: foot ? text + foot.text : text,
    ...(html !== undefined ? { html: foot ? appendHtml(html, foot.html) : html } : {}),
    headers: [
      { name: 'List-Unsubscribe', value: unsubscribe.join(', ') },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: 'List-Id', value: listId(type.name, type.id, type.listDomain) },
    ],
  };
};
