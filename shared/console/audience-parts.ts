/**
 * What the audience pages of the console share (contacts, types and lists, suppressions and
 * settings): the page frame with its section, dates and numbers in the viewer's language, tables.
 * Pure.
 */
import type { FormState } from './forms.ts';
import { consolePage, escapeHtml, notice, type Section } from './layout.ts';
import type { Viewer } from './mailing-pages.ts';
import type { ConsoleStrings } from './strings.ts';

export const e = escapeHtml;
export const date = (iso: string | undefined | null, viewer: Viewer) =>
  iso
    ? `${new Date(iso).toLocaleString(viewer.language === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'UTC' })} UTC`
    : '';
export const num = (n: number, viewer: Viewer) =>
  n.toLocaleString(viewer.language === 'sv' ? 'sv-SE' : 'en-GB');

export type Message = { text: string; tone: 'ok' | 'warn' | 'bad' } | undefined;

export const page = (viewer: Viewer, section: Section, title: string, body: string, message?: Message) =>
  consolePage({
    language: viewer.language,
    title,
    body: (message ? notice(e(message.text), message.tone) : '') + body,
    signedIn: { actor: viewer.actor, csrf: viewer.csrf, section },
  });

export const problems = (t: ConsoleStrings, state: FormState | undefined) =>
  state && Object.keys(state.errors).length ? notice(e(t.fixFields), 'bad') : '';

export const table = (caption: string, head: readonly string[], rows: readonly string[]) =>
  `<div class="table-wrap"><table><caption>${e(caption)}</caption><thead><tr>${head
    .map((h) => `<th scope="col">${e(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
