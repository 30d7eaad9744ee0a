/**
 * The mailing pages of the console: the list and the progress view with its charts, and what the
 * wizard's pages (wizard-pages.ts) share with them. Templates only: the actions call the use cases
 * and hand these the results. Pure.
 */
import type { Actor } from '#shared/domain/api-key.ts';
import type { Counts, MailingStatus, PausedReason } from '#shared/domain/mailing.ts';
import { fill } from '#shared/pages/strings.ts';
import { barChart, percent, rate, sesThresholds } from './charts.ts';
import { consolePage, csrfField, escapeHtml, notice } from './layout.ts';
import { mailingStrings } from './mailing-strings.ts';
import type { ConsoleLanguage } from './strings.ts';

export const steps = ['configuration', 'content', 'list', 'recipients', 'send'] as const;
export type Step = (typeof steps)[number];

export interface Viewer {
  language: ConsoleLanguage;
  actor: Actor;
  csrf: string;
}

export interface Option {
  value: string;
  label: string;
}

export const e = escapeHtml;
export const num = (n: number, language: ConsoleLanguage) =>
  n.toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB');
export const date = (iso: string | undefined | null, language: ConsoleLanguage) =>
  iso
    ? `${new Date(iso).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'UTC' })} UTC`
    : '';

export const page = (viewer: Viewer, title: string, body: string) =>
  consolePage({
    language: viewer.language,
    title,
    body,
    signedIn: { actor: viewer.actor, csrf: viewer.csrf, section: 'mailings' },
  });

// ---------------------------------------------------------------------------------------------
// The list

export interface MailingRow {
  id: string;
  name: string;
  status: MailingStatus;
  createdAt: string;
}

export const mailingsPage = (viewer: Viewer, items: readonly MailingRow[], nextCursor: string | null) => {
  const t = mailingStrings[viewer.language];
  const rows = items
    .map(
      (m) =>
        `<tr><td><a href="/console/mailings/${e(m.id)}">${e(m.name)}</a></td><td>${e(t.statuses[m.status])}</td><td>${e(date(m.createdAt, viewer.language))}</td></tr>`,
    )
    .join('');
  return page(
    viewer,
    t.mailingsTitle,
    `<h1>${e(t.mailingsTitle)}</h1><p><a class="button" href="/console/mailings/new">${e(t.newMailing)}</a></p>` +
      (items.length
        ? `<div class="table-wrap"><table><caption>${e(t.mailingsTitle)}</caption><thead><tr><th scope="col">${e(t.columns.name)}</th><th scope="col">${e(t.columns.status)}</th><th scope="col">${e(t.columns.created)}</th></tr></thead><tbody>${rows}</tbody></table></div>`
        : `<p>${e(t.noMailings)}</p>`) +
      (nextCursor
        ? `<p><a href="/console?cursor=${encodeURIComponent(nextCursor)}">${e(t.olderMailings)}</a></p>`
        : ''),
  );
};

// ---------------------------------------------------------------------------------------------
// Progress

/** A mailing as the recipients step and the progress page show it. */
export interface MailingSummary {
  id: string;
  name: string;
  status: MailingStatus;
  overrideConsent: boolean;
  overrideReason?: string | undefined;
  counts: Counts;
  reasons: Record<string, number>;
  countsComplete: boolean;
}

export interface ProgressView {
  mailing: MailingSummary & {
    pausedReason?: PausedReason | undefined;
    /** Chunks whose message went to the send queue's DLQ, not done yet. */
    deadLetters?: { chunks: number; recipients: number } | undefined;
    unsubscribed?: number | undefined;
  };
  message?: { text: string; tone: 'ok' | 'warn' | 'bad' } | undefined;
  canCancel: boolean;
  canResume: boolean;
}

export const progressPage = (viewer: Viewer, view: ProgressView, status = 200) => {
  void status;
  const t = mailingStrings[viewer.language];
  const l = viewer.language;
  const { mailing } = view;
  const c = mailing.counts;
  const cards = (
    ['eligible', 'excluded', 'queued', 'sent', 'delivered', 'bounced', 'complained', 'failed'] as const
  )
    .map((name) => `<li><span class="n">${num(c[name], l)}</span>${e(t.counts[name] ?? name)}</li>`)
    .concat(
      `<li><span class="n">${mailing.unsubscribed === undefined ? e(t.none) : num(mailing.unsubscribed, l)}</span>${e(t.counts.unsubscribed ?? '')}${mailing.unsubscribed === undefined ? ` <span class="muted">(${e(t.notCounted)})</span>` : ''}</li>`,
    )
    .join('');
  const reason = mailing.pausedReason;
  const paused = !reason
    ? ''
    : reason.code === 'bounce_rate' || reason.code === 'complaint_rate'
      ? notice(
          fill(e(t.pausedBecause), {
            metric:
              reason.code === 'bounce_rate'
                ? e(t.bounceRate.toLowerCase())
                : e(t.complaintRate.toLowerCase()),
            rate: percent('rate' in reason ? reason.rate : 0, l),
            limit: percent('limit' in reason ? reason.limit : 0, l),
          }),
          'warn',
        )
      : notice(fill(e(t.pausedBySes), { reason: e(t.sesPauseReasons[reason.code]) }), 'warn');
  const dead = mailing.deadLetters
    ? notice(
        fill(e(t.deadLetters), {
          chunks: num(mailing.deadLetters.chunks, l),
          recipients: num(mailing.deadLetters.recipients, l),
        }),
        'warn',
      )
    : '';
  const outcomes = [
    { label: t.counts.delivered ?? '', value: c.delivered, tone: 'ok' as const },
    { label: t.counts.bounced ?? '', value: c.bounced, tone: 'bad' as const },
    { label: t.counts.complained ?? '', value: c.complained, tone: 'bad' as const },
    { label: t.counts.failed ?? '', value: c.failed, tone: 'bad' as const },
  ];
  const outcomeSummary = outcomes.map((o) => `${o.label} ${o.value}`).join(', ');
  const outcomeTable =
    `<table><caption>${e(t.outcomesCaption)}</caption><thead><tr><th scope="col">${e(t.columns.outcome)}</th><th scope="col" class="num">${e(t.columns.count)}</th><th scope="col" class="num">${e(t.columns.rate)}</th></tr></thead><tbody>` +
    outcomes
      .map(
        (o) =>
          `<tr><th scope="row">${e(o.label)}</th><td class="num">${num(o.value, l)}</td><td class="num">${percent(rate(o.value, c.sent), l)}</td></tr>`,
      )
      .join('') +
    '</tbody></table>';
  const bounceRate = rate(c.bounced, c.sent);
  const complaintRate = rate(c.complained, c.sent);
  const over = (value: number, limit: number) => (value >= limit ? t.overThreshold : t.underThreshold);
  const rateRows = [
    { label: t.bounceRate, value: bounceRate, limit: sesThresholds.bounce },
    { label: t.complaintRate, value: complaintRate, limit: sesThresholds.complaint },
  ];
  const rateTable =
    `<table><caption>${e(t.ratesTitle)}</caption><thead><tr><th scope="col">${e(t.columns.outcome)}</th><th scope="col" class="num">${e(t.columns.rate)}</th><th scope="col" class="num">${e(t.columns.threshold)}</th><th scope="col">${e(t.columns.status)}</th></tr></thead><tbody>` +
    rateRows
      .map(
        (r) =>
          `<tr><th scope="row">${e(r.label)}</th><td class="num">${percent(r.value, l)}</td><td class="num">${percent(r.limit, l)}</td><td class="${r.value >= r.limit ? 'bad' : 'ok'}">${e(over(r.value, r.limit))}</td></tr>`,
      )
      .join('') +
    '</tbody></table>';
  // Each rate against its own threshold, as a share of it: 100 % is where SES starts a review.
  const rateBars = rateRows.map((r) => ({
    label: r.label,
    value: r.value / r.limit,
    display: `${percent(r.value, l)} / ${percent(r.limit, l)}`,
    tone: r.value >= r.limit ? ('bad' as const) : ('ok' as const),
  }));
  const actions =
    (view.canCancel
      ? `<form method="post" action="/console/mailings/${e(mailing.id)}" class="inline">${csrfField(viewer.csrf)}<button type="submit" class="danger" name="action" value="cancel">${e(t.cancelSending)}</button></form> `
      : '') +
    (view.canResume
      ? `<form method="post" action="/console/mailings/${e(mailing.id)}" class="inline">${csrfField(viewer.csrf)}<button type="submit" name="action" value="resume">${e(t.resume)}</button></form>`
      : '');
  return page(
    viewer,
    `${t.progressTitle} · ${mailing.name}`,
    `<p class="muted">${e(mailing.name)}</p><h1>${e(t.progressTitle)}: <span class="pill">${e(t.statuses[mailing.status])}</span></h1>` +
      (view.message ? notice(e(view.message.text), view.message.tone) : '') +
      paused +
      dead +
      `<p>${e(t.progressIntro)} <a href="/console/mailings/${e(mailing.id)}">${e(t.refresh)}</a></p>` +
      `<ul class="cards" aria-label="${e(t.progressTitle)}">${cards}</ul>` +
      (actions ? `<p>${actions}</p>` : '') +
      `<p><a href="/console/mailings/${e(mailing.id)}/recipients">${e(t.steps.recipients)}</a></p>` +
      `<h2>${e(t.outcomesTitle)}</h2><div class="chart">${barChart({
        id: 'outcomes',
        title: t.outcomesTitle,
        description: fill(t.chartAlt, { summary: outcomeSummary }),
        bars: outcomes,
      })}${outcomeTable}</div>` +
      `<h2>${e(t.ratesTitle)}</h2><div class="chart">${barChart({
        id: 'rates',
        title: t.ratesTitle,
        description: fill(t.chartAlt, {
          summary: rateRows
            .map((r) => `${r.label} ${percent(r.value, l)} (${percent(r.limit, l)})`)
            .join(', '),
        }),
        bars: rateBars,
        max: 1.25,
        threshold: { value: 1, label: t.columns.threshold },
      })}${rateTable}</div>`,
  );
};
