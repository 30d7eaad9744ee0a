/**
 * The progress display on stderr: one line that updates in place (phase, done/total, rate, elapsed)
 * on a terminal; on anything else (CI logs, a pipe) a plain line every few seconds instead.
 */
const tty = Boolean(process.stderr.isTTY);
const minIntervalMs = tty ? 100 : 5000;

const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} k` : String(Math.round(n));

export class Progress {
  private phase = '';
  private unit = '';
  private total = 0;
  private done = 0;
  private note = '';
  private started = performance.now();
  private lastDraw = 0;
  private lastLine = '';
  private readonly runStarted = performance.now();

  /** Starts a phase; `total` 0 when unknown. */
  start(phase: string, total = 0, unit = ''): void {
    this.finishLine();
    this.phase = phase;
    this.total = total;
    this.unit = unit;
    this.done = 0;
    this.note = '';
    this.started = performance.now();
    this.lastDraw = 0;
    this.draw(true);
  }

  update(done: number, note = ''): void {
    this.done = done;
    this.note = note;
    this.draw(false);
  }

  /** A line of its own (kept above the updating one). */
  log(line: string): void {
    this.clear();
    process.stderr.write(`${line}\n`);
    this.draw(true);
  }

  end(note = ''): void {
    if (note) this.note = note;
    this.draw(true);
    this.finishLine();
    this.phase = '';
  }

  private line(): string {
    const seconds = (performance.now() - this.started) / 1000;
    const parts = [
      `[${((performance.now() - this.runStarted) / 1000).toFixed(0).padStart(4)} s]`,
      this.phase,
    ];
    if (this.total || this.done) {
      parts.push(
        this.total
          ? `${fmt(this.done)}/${fmt(this.total)}${this.unit ? ` ${this.unit}` : ''}`
          : fmt(this.done),
      );
      if (seconds > 0.5 && this.done) parts.push(`${fmt(this.done / seconds)}/s`);
    }
    parts.push(`${seconds.toFixed(1)} s`);
    if (this.note) parts.push(this.note);
    return parts.join(' · ');
  }

  private draw(force: boolean): void {
    if (!this.phase) return;
    const t = performance.now();
    if (!force && t - this.lastDraw < minIntervalMs) return;
    this.lastDraw = t;
    const line = this.line();
    if (tty) {
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      this.lastLine = line;
    } else if (line !== this.lastLine) {
      process.stderr.write(`${line}\n`);
      this.lastLine = line;
    }
  }

  private clear(): void {
    if (tty && this.lastLine) process.stderr.write('\r\x1b[2K');
  }

  private finishLine(): void {
    if (tty && this.phase && this.lastLine) process.stderr.write('\n');
    this.lastLine = '';
  }
}
