/**
 * Will every message of a mailing fit what SES takes? Checked when a mailing is created or changed,
 * so a body too large is a 422 then, never a mailing whose every recipient ends `failed`. Pure.
 *
 * The sender hands each recipient's rendered message to SendBulkEmail as its
 * `ReplacementTemplateData`: the JSON of `{subject, text, html}`, at most 262,144 characters (SES v2
 * API reference, ReplacementTemplate). That is the binding limit: a message within it is far below
 * SES's 40 MB per message, however it is MIME-encoded.
 *
 * The size is taken at its worst: every merge field at the longest value it can hold, made of the
 * characters that grow the most on the way (a control character is six in JSON: `\u0001`), every
 * link at the longest a signed token can be, the opt-out footer in its longest language.
 */
import { languages } from './i18n.ts';
import { render } from './render.ts';
import { maxTokenLength } from './tokens.ts';

/** SES v2: the longest `ReplacementTemplateData` of one destination. */
export const sesTemplateDataLimit = 262_144;

/** The longest value each merge field can take (the contact schemas' limits). */
export const mergeValueLimits = { firstName: 100, lastName: 100, email: 254, field: 1000 } as const;

/** How much longer a character of a merge value can get in the template data (JSON `\uXXXX`). */
const worstGrowth = 6;
/** A subscription type's name, at its longest (List-Id and the footer name it). */
const typeNameLimit = 100;

const mergeField = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

const valueLimit = (name: string): number => {
  if (name === 'firstName' || name === 'lastName' || name === 'email') return mergeValueLimits[name];
  if (name.startsWith('fields.')) return mergeValueLimits.field;
  return 0; // links and URLs are rendered at their longest below
};

export interface MessageParts {
  subject: string;
  text: string;
  html?: string | null | undefined;
}

/**
 * The longest template data any recipient's message of this content can have, in characters.
 * `baseUrlLength`: the length of the public base URL the links start with.
 */
export const worstTemplateData = (
  content: MessageParts,
  linkNames: readonly string[],
  baseUrlLength: number,
): number => {
  const url = 'x'.repeat(baseUrlLength + 3 + maxTokenLength);
  const links = {
    unsubscribeUrl: url,
    preferencesUrl: url,
    tracked: Object.fromEntries(linkNames.map((name) => [name, url])),
  };
  const parts = { subject: content.subject, text: content.text, html: content.html ?? undefined };
  let longest = 0;
  for (const language of languages) {
    const rendered = render(parts, { email: '', language }, links, {
      id: 'x',
      name: 'x'.repeat(typeNameLimit),
      listDomain: 'x',
    });
    const data = JSON.stringify({
      subject: rendered.subject,
      text: rendered.text,
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
    });
    longest = Math.max(longest, data.length);
  }
  let values = 0;
  for (const text of [content.subject, content.text, content.html ?? ''])
    for (const match of text.matchAll(mergeField)) values += valueLimit(match[1] ?? '') * worstGrowth;
  return longest + values;
};
