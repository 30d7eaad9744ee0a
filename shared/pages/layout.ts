/**
 * The frame of every hosted page: one small HTML document with its CSS inline, nothing fetched from
 * anywhere (no fonts, images or scripts), so the Content-Security-Policy can forbid everything but
 * this one style block, which it names by hash. Mobile first; contrast ≥ 4.5:1 everywhere; a
 * visible focus ring on everything focusable. Pure.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '#shared/domain/render.ts';
import type { Language } from '#shared/domain/i18n.ts';

export { escapeHtml };

// Colours (on #fff): text #1a1a1a 17:1, muted #474747 9:1, link/primary #0b57d0 6.3:1, danger
// #a50e0e 7.6:1, warning text #6b3e00 9:1; white on #0b57d0 6.3:1.
const css = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f3f3f1}',
  'main{max-width:40rem;margin:0 auto;padding:1.25rem 1rem 2rem;background:#fff;min-height:100vh}',
  '@media(min-width:42rem){main{margin:2rem auto;min-height:0;padding:2rem;border:1px solid #d4d4cf;border-radius:.5rem}}',
  'h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}',
  'h2{font-size:1.125rem;line-height:1.3;margin:2rem 0 .5rem}',
  'p{margin:0 0 1rem}',
  // Room below a form, so the link that often follows its button is a target of its own (2.5.8).
  'form{margin:0 0 1.5rem}',
  'a{color:#0b57d0;text-underline-offset:.15em}',
  'a:hover{text-decoration-thickness:2px}',
  ':focus-visible{outline:3px solid #0b57d0;outline-offset:2px}',
  '[tabindex="-1"]:focus{outline:none}',
  'fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}',
  'legend{font-weight:700;padding:0;margin:0 0 .25rem}',
  '.opt{display:flex;gap:.75rem;align-items:flex-start;padding:.75rem 0;border-top:1px solid #e2e2de}',
  '.opt input{width:1.5rem;height:1.5rem;margin:.1rem 0 0;flex:none;accent-color:#0b57d0}',
  '.opt label{font-weight:600;display:block}',
  '.opt p{margin:.25rem 0 0;color:#474747}',
  '.opt .note{color:#6b3e00}',
  '.field{display:block;font-weight:600;margin:1rem 0 .25rem}',
  'input[type=email],textarea{display:block;width:100%;font:inherit;color:inherit;padding:.625rem;border:1px solid #6e6e6e;border-radius:.25rem;background:#fff}',
  'textarea{min-height:4.5rem;resize:vertical}',
  'button{font:inherit;font-weight:600;min-height:2.75rem;width:100%;margin:1rem 0 0;padding:.5rem 1.25rem;border:2px solid #0b57d0;border-radius:.25rem;background:#0b57d0;color:#fff;cursor:pointer}',
  'button:hover{background:#0842a0;border-color:#0842a0}',
  'button.secondary{background:#fff;color:#a50e0e;border-color:#a50e0e}',
  'button.secondary:hover{background:#fdf0f0}',
  '@media(min-width:30rem){button{width:auto}}',
  '.status{padding:.75rem 1rem;margin:0 0 1.25rem;border:1px solid #1e7a34;border-left-width:.375rem;border-radius:.25rem;background:#edf7ef}',
  '.warn{border-color:#a15c00;background:#fff6e8}',
  '.error{color:#a50e0e;font-weight:600;margin:.25rem 0 0}',
  '.muted{color:#474747}',
  'hr{border:0;border-top:1px solid #e2e2de;margin:2rem 0 0}',
].join('');

/** The CSP source that allows exactly the page's style block and nothing else. */
export const styleSource = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

export interface LayoutInput {
  language: Language;
  title: string;
  /** The contents of `<main>`, already escaped. */
  body: string;
}

/** A whole page. `title` is escaped here; `body` must be escaped by its template. */
export const layout = ({ language, title, body }: LayoutInput): string =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8">` +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow">' +
  `<title>${escapeHtml(title)}</title><style>${css}</style></head>` +
  `<body><main>${body}</main></body></html>`;

/**
 * A message the person must notice: focused on load (so a screen reader reads it at once, even with
 * JavaScript off) and a status region for those that announce changes.
 */
export const statusMessage = (text: string, tone: 'ok' | 'warn' = 'ok'): string =>
  `<p class="status${tone === 'warn' ? ' warn' : ''}" role="status" tabindex="-1" autofocus>${text}</p>`;
