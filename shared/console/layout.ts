/**
 * The frame of every console page: one HTML document with its CSS inline and nothing fetched from
 * anywhere (no fonts, images or scripts; charts are inline SVG), so the Content-Security-Policy can
 * forbid everything but this one style block, named by hash. A skip link, a landmark per region,
 * the current page marked in the navigation, a visible focus ring, contrast ≥ 4.5:1. Pure.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '#shared/domain/api-key.ts';
import { escapeHtml } from '#shared/domain/render.ts';
import { type ConsoleLanguage, consoleStrings } from './strings.ts';

export { escapeHtml };

// Colours on #fff: text #1a1a1a 17:1, muted #474747 9:1, primary #0b57d0 6.3:1, danger #a50e0e
// 7.6:1, ok #1e6b31 6.6:1, warning #6b3e00 9:1; white on #0b57d0 and on #1f2937 ≥ 6:1.
const css = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f3f3f1}',
  '.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:2}',
  '.skip:focus{left:.5rem}',
  'header{background:#1f2937;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}',
  'header .brand{font-weight:700;color:#fff;text-decoration:none;margin-right:auto}',
  'header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}',
  'header a{color:#fff;display:inline-block;padding:.5rem .25rem}',
  'header a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}',
  'header form{margin:0}',
  'header button{margin:0;min-height:2.25rem;background:#fff;color:#1f2937;border-color:#fff}',
  'header button:hover{background:#e5e7eb;border-color:#e5e7eb}',
  'header .who{color:#fff;font-size:.875rem}',
  'main{max-width:72rem;margin:0 auto;padding:1.25rem 1rem 3rem;background:#fff;min-height:100vh}',
  '@media(min-width:50rem){main{margin:1.5rem auto;min-height:0;padding:2rem;border:1px solid #d4d4cf;border-radius:.5rem}}',
  'h1{font-size:1.625rem;line-height:1.25;margin:0 0 1rem}',
  'h2{font-size:1.25rem;line-height:1.3;margin:2rem 0 .75rem}',
  'h3{font-size:1.0625rem;margin:1.5rem 0 .5rem}',
  'p{margin:0 0 1rem}',
  'a{color:#0b57d0;text-underline-offset:.15em}',
  ':focus-visible{outline:3px solid #0b57d0;outline-offset:2px}',
  '[tabindex="-1"]:focus{outline:none}',
  'form{margin:0 0 1.5rem}',
  'fieldset{border:1px solid #d4d4cf;border-radius:.25rem;margin:0 0 1.25rem;padding:.75rem 1rem}',
  'legend{font-weight:700;padding:0 .25rem}',
  'label{display:block;font-weight:600;margin:1rem 0 .25rem}',
  '.check label,.radio label{display:inline;font-weight:600;margin:0 0 0 .5rem}',
  '.check,.radio{margin:.75rem 0}',
  '.check input,.radio input{width:1.25rem;height:1.25rem;vertical-align:-.2rem;accent-color:#0b57d0}',
  '.hint{color:#474747;margin:.25rem 0 0;font-size:.9375rem}',
  'input[type=text],input[type=email],input[type=password],input[type=number],input[type=search],select,textarea{display:block;width:100%;max-width:40rem;font:inherit;color:inherit;padding:.5rem .625rem;border:1px solid #6e6e6e;border-radius:.25rem;background:#fff}',
  'input[type=number]{max-width:8rem}',
  'textarea{min-height:6rem;resize:vertical;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9375rem}',
  '[aria-invalid=true]{border-color:#a50e0e;border-width:2px}',
  '.error{color:#a50e0e;font-weight:600;margin:.25rem 0 0}',
  'button,.button{display:inline-block;font:inherit;font-weight:600;min-height:2.75rem;margin:1rem .5rem 0 0;padding:.5rem 1.25rem;border:2px solid #0b57d0;border-radius:.25rem;background:#0b57d0;color:#fff;cursor:pointer;text-decoration:none;line-height:1.6}',
  'button:hover,.button:hover{background:#0842a0;border-color:#0842a0}',
  'button.secondary,.button.secondary{background:#fff;color:#0b57d0}',
  'button.secondary:hover,.button.secondary:hover{background:#eef3fd}',
  'button.danger{background:#fff;color:#a50e0e;border-color:#a50e0e}',
  'button.danger:hover{background:#fdf0f0}',
  'table{border-collapse:collapse;width:100%;margin:0 0 1.25rem;font-size:.9375rem}',
  'caption{text-align:left;font-weight:700;padding:0 0 .5rem}',
  'th,td{text-align:left;padding:.5rem .5rem;border-bottom:1px solid #e2e2de;vertical-align:top}',
  'th{background:#f6f6f4}',
  'td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}',
  '.table-wrap{overflow-x:auto}',
  '.status{padding:.75rem 1rem;margin:0 0 1.25rem;border:1px solid #1e7a34;border-left-width:.375rem;border-radius:.25rem;background:#edf7ef}',
  '.status.warn{border-color:#a15c00;background:#fff6e8}',
  '.status.bad{border-color:#a50e0e;background:#fdf0f0}',
  '.steps{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1.5rem;padding:0;counter-reset:step}',
  '.steps li{counter-increment:step;padding:.375rem .75rem;border:1px solid #d4d4cf;border-radius:1rem;color:#474747}',
  '.steps li::before{content:counter(step) ". "}',
  '.steps li[aria-current=step]{border-color:#0b57d0;color:#0b57d0;font-weight:700;border-width:2px}',
  '.pill{display:inline-block;padding:0 .5rem;border-radius:.75rem;font-size:.875rem;font-weight:600;border:1px solid currentColor}',
  '.ok{color:#1e6b31}',
  '.bad{color:#a50e0e}',
  '.warn-text{color:#6b3e00}',
  '.muted{color:#474747}',
  '.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0;margin:0 0 1rem}',
  '.filters a[aria-current=true]{font-weight:700}',
  '.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.75rem;margin:0 0 1.5rem;padding:0;list-style:none}',
  '.cards li{border:1px solid #d4d4cf;border-radius:.375rem;padding:.75rem}',
  '.cards .n{display:block;font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}',
  '.chart{display:grid;gap:1rem;grid-template-columns:1fr;margin:0 0 1.5rem}',
  '@media(min-width:50rem){.chart{grid-template-columns:3fr 2fr}}',
  '.chart svg{width:100%;height:auto;max-width:40rem}',
  'pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f4;padding:.75rem;border-radius:.25rem;font-size:.875rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1.25rem}',
  'dt{font-weight:600}',
  'dd{margin:0}',
  '.inline{display:inline}',
  '.inline button{margin-top:0}',
].join('');

/** The CSP source that allows exactly the console's style block and nothing else. */
export const consoleStyleSource = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

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
    `<title>${escapeHtml(title)} · ${escapeHtml(t.product)}</title><style>${css}</style></head>` +
    `<body><a class="skip" href="#main">${escapeHtml(t.skip)}</a>${header}<main id="main" tabindex="-1">${body}</main></body></html>`
  );
};

/** The hidden field every console form carries. */
export const csrfField = (csrf: string): string =>
  `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;

/** A message the person must notice: focused on load, and a status region for screen readers. */
export const notice = (text: string, tone: 'ok' | 'warn' | 'bad' = 'ok'): string =>
  `<p class="status${tone === 'ok' ? '' : ` ${tone}`}" role="${tone === 'bad' ? 'alert' : 'status'}" tabindex="-1" autofocus>${text}</p>`;
