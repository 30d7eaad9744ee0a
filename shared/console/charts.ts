/**
 * Charts as server-rendered SVG, each beside a table of the same figures: the picture for those who
 * would rather look, the table for screen readers and for those who want the numbers. The SVG is
 * `role="img"` with a title and a description that states the figures; colours come with labels,
 * never alone; no script, no style block (presentation attributes only, which the CSP allows). Pure.
 */
import { escapeHtml } from '#shared/domain/render.ts';

export interface Bar {
  label: string;
  value: number;
  /** Shown after the value (a rate: "2.1 %"). */
  display?: string;
  tone?: 'ok' | 'bad' | 'neutral';
}

const tones = { ok: '#1e6b31', bad: '#a50e0e', neutral: '#0b57d0' } as const;

let chartIds = 0;

/**
 * Horizontal bars, one per figure, with an optional threshold line (a rate limit: SES reviews an
 * account at 5 % bounces, 0.1 % complaints).
 */
export const barChart = (input: {
  id?: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  max?: number;
  threshold?: { value: number; label: string };
}): string => {
  const id = input.id ?? `chart-${++chartIds}`;
  const width = 560;
  const labelWidth = 170;
  const valueWidth = 90;
  const barHeight = 26;
  const gap = 12;
  const top = 8;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(input.max ?? 0, input.threshold?.value ?? 0, ...input.bars.map((b) => b.value), 1e-9);
  const height = top + input.bars.length * (barHeight + gap) + (input.threshold ? 24 : 4);
  const x = (value: number) => labelWidth + (plot * value) / max;
  const bars = input.bars
    .map((bar, i) => {
      const y = top + i * (barHeight + gap);
      const w = Math.max(bar.value > 0 ? 2 : 0, x(bar.value) - labelWidth);
      return (
        `<text x="${labelWidth - 8}" y="${y + barHeight / 2 + 5}" text-anchor="end" font-size="14" fill="#1a1a1a">${escapeHtml(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${tones[bar.tone ?? 'neutral']}" rx="3"></rect>` +
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + barHeight / 2 + 5}" font-size="14" fill="#1a1a1a">${escapeHtml(bar.display ?? String(bar.value))}</text>`
      );
    })
    .join('');
  const threshold = input.threshold
    ? (() => {
        const tx = x(input.threshold.value).toFixed(1);
        const bottom = top + input.bars.length * (barHeight + gap);
        return (
          `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${bottom}" stroke="#6b3e00" stroke-width="2" stroke-dasharray="6 4"></line>` +
          `<text x="${tx}" y="${bottom + 16}" text-anchor="middle" font-size="13" fill="#6b3e00">${escapeHtml(input.threshold.label)}</text>`
        );
      })()
    : '';
  return (
    `<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(input.title)}</title><desc id="${id}-d">${escapeHtml(input.description)}</desc>` +
    `<line x1="${labelWidth}" y1="${top - 4}" x2="${labelWidth}" y2="${top + input.bars.length * (barHeight + gap)}" stroke="#6e6e6e"></line>` +
    bars +
    threshold +
    '</svg>'
  );
};

/** A line over days (subscribers of a type), with the first and last dates and the top value marked. */
export const lineChart = (input: {
  id?: string;
  title: string;
  description: string;
  points: ReadonlyArray<{ label: string; value: number }>;
}): string => {
  const id = input.id ?? `chart-${++chartIds}`;
  const width = 560;
  const height = 220;
  const left = 48;
  const bottom = 28;
  const top = 12;
  const right = 12;
  const values = input.points.map((p) => p.value);
  const max = Math.max(1, ...values);
  const n = input.points.length;
  const px = (i: number) => left + (n <= 1 ? 0 : ((width - left - right) * i) / (n - 1));
  const py = (v: number) => top + (height - top - bottom) * (1 - v / max);
  const path = input.points
    .map((p, i) => `${i ? 'L' : 'M'}${px(i).toFixed(1)} ${py(p.value).toFixed(1)}`)
    .join(' ');
  const first = input.points[0];
  const last = input.points.at(-1);
  return (
    `<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(input.title)}</title><desc id="${id}-d">${escapeHtml(input.description)}</desc>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#6e6e6e"></line>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#6e6e6e"></line>` +
    `<text x="${left - 6}" y="${top + 5}" text-anchor="end" font-size="13" fill="#1a1a1a">${max}</text>` +
    `<text x="${left - 6}" y="${height - bottom}" text-anchor="end" font-size="13" fill="#1a1a1a">0</text>` +
    (n ? `<path d="${path}" fill="none" stroke="#0b57d0" stroke-width="3"></path>` : '') +
    input.points
      .map(
        (p, i) =>
          `<circle cx="${px(i).toFixed(1)}" cy="${py(p.value).toFixed(1)}" r="3.5" fill="#0b57d0"></circle>`,
      )
      .join('') +
    (first
      ? `<text x="${left}" y="${height - 8}" font-size="13" fill="#1a1a1a">${escapeHtml(first.label)}</text>`
      : '') +
    (last && n > 1
      ? `<text x="${width - right}" y="${height - 8}" text-anchor="end" font-size="13" fill="#1a1a1a">${escapeHtml(last.label)}</text>`
      : '') +
    '</svg>'
  );
};

/** Rates against SES's review thresholds: bounces 5 %, complaints 0.1 % of what was sent. */
export const sesThresholds = { bounce: 0.05, complaint: 0.001 } as const;

export const rate = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** `0.0213` → `2.13 %` (two significant decimals where the rate is small). */
export const percent = (value: number, language: string): string =>
  `${(value * 100).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: value < 0.01 ? 2 : 1 })} %`;
