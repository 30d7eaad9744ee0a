/** Number formatting for the table: few digits, thin units. */

export const count = (n: number): string => {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(abs >= 1e7 ? 1 : 2)} M`;
  if (abs >= 1e4) return `${Math.round(n).toLocaleString('en-US')}`;
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs === 0) return '0';
  return n.toFixed(abs >= 1 ? 2 : 3);
};

export const bytes = (n: number): string =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(2)} MB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${n} B`;

export const seconds = (s: number): string => `${s.toFixed(1)} s`;

export const ms = (m: number): string =>
  m >= 10
    ? `${m.toFixed(0)} ms`
    : m >= 1
      ? `${m.toFixed(2)} ms`
      : `${(m * 1000).toFixed(m >= 0.1 ? 0 : 1)} µs`;

export const usd = (x: number): string =>
  x >= 10 ? `$${x.toFixed(0)}` : x >= 0.01 ? `$${x.toFixed(3)}` : `$${x.toFixed(4)}`;

export const ratio = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)} ×`;
