/**
 * The frame of every console page: one HTML document and one stylesheet of our own (style.ts,
 * served at `/console/style.css` and cached by the browser), nothing else fetched from anywhere
 * (no fonts, images or scripts; charts are inline SVG), so the Content-Security-Policy can forbid
 * everything but stylesheets of this origin. A skip link, a landmark per region,
 * the current page marked in the navigation, a visible focus ring, contrast ≥ 4.5:1. Pure.
 */
import type { Actor } from '#shared/domain/api-key.ts';
import { escapeHtml } from '#shared/domain/render.ts';
import { type ConsoleLanguage, consoleStrings } from './strings.ts';

export { escapeHtml };

/** Where every page's stylesheet is served (the session group, functions/console/session.route.ts). */
export const stylesheetPath = '/console/style.css';

/** The sections of the navigation, in order. */
export const sections = ['mailings', 'contacts', 'types', 'lists', 'suppressions', 'settings'] as const;
export type Section = (typeof sections)[number];

const sectionPaths: Record<Section, string> = {
  mailings: '/console',
  contacts: '/console/contacts',
  types: '/console/types',
  lists: '/console/lists',
  suppressions: '/console/suppressions',
  settings: '/console/settings',
};

export interface ConsolePageInput {
  language: ConsoleLanguage;
  title: string;
  /** The contents of `<main>`, already escaped. */
  body: string;
  /** Signed in: the navigation, who is signed in and the sign-out button. */
  signedIn?: { actor: Actor; csrf: string; section?: Section | undefined } | undefined;
}

/** A whole page. `title` is escaped here; `body` must be escaped by its template. */
export const consolePage = ({ language, title, body, signedIn }: ConsolePageInput): string => {
  const t = consoleStrings[language];
  const header = signedIn
    ? '<header>' +
      `<a class="brand" href="/console">${escapeHtml(t.product)}</a>` +
      `<nav aria-label="${escapeHtml(t.navLabel)}"><ul>${sections
        .map(
          (section) =>
            `<li><a href="${sectionPaths[section]}"${section === signedIn.section ? ' aria-current="page"' : ''}>${escapeHtml(t.nav[section])}</a></li>`,
        )
        .join('')}</ul></nav>` +
      `<span class="who">${escapeHtml(signedIn.actor.name)} · ${escapeHtml(t.roles[signedIn.actor.role])}</span>` +
      `<form method="post" action="/console/sign-out">${csrfField(signedIn.csrf)}<button type="submit">${escapeHtml(t.signOut)}</button></form>` +
      '</header>'
    : `<header><span class="brand">${escapeHtml(t.product)}</span></header>`;
  return (
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow">' +
    `<title>${escapeHtml(title)} · ${escapeHtml(t.product)}</title><link rel="stylesheet" href="${stylesheetPath}"></head>` +
    `<body><a class="skip" href="#main">${escapeHtml(t.skip)}</a>${header}<main id="main" tabindex="-1">${body}</main></body></html>`
  );
};

/** The hidden field every console form carries. */
export const csrfField = (csrf: string): string =>
  `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;

/** A message the person must notice: focused on load, and a status region for screen readers. */
export const notice = (text: string, tone: 'ok' | 'warn' | 'bad' = 'ok'): string =>
  `<p class="status${tone === 'ok' ? '' : ` ${tone}`}" role="${tone === 'bad' ? 'alert' : 'status'}" tabindex="-1" autofocus>${text}</p>`;
