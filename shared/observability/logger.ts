/**
 * Structured JSON logger. One line per event on stdout, which Lambda's JSON log format keeps as is.
 * Never log personal data: pass ids, never e-mail addresses or names.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = order[(process.env.LOG_LEVEL?.toLowerCase() as Level) ?? 'info'] ?? order.info;

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(`${line}\n`);

/** Redirects log lines (tests capture them to prove no personal data is logged). */
export const setLogSink = (next: LogSink): void => {
  sink = next;
};

const write = (level: Level, message: string, fields: Record<string, unknown> = {}) => {
  if (order[level] < threshold) return;
  sink(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
};

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
