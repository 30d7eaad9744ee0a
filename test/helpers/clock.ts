/**
 * Clocks for tests of the sender and the rate limiter (shared/adapters/clock.ts).
 *
 * - {@link shiftedClock}: real time plus an offset the test moves forward, e.g. past a crashed
 *   attempt's lease, without waiting for it.
 * - {@link SimClock}: virtual time for long runs at a real account's rate. Time stands still while
 *   any participant (a running consumer) works, and jumps to the earliest wake-up once every
 *   participant sleeps: an hour of sending at 14/s runs as fast as the work itself, and every rate
 *   window, lease and deadline is kept in virtual time exactly as in real time.
 */
import { type Clock, useClock } from '#shared/adapters/clock.ts';

export const shiftedClock = () => {
  let offset = 0;
  const clock: Clock = {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  };
  return {
    install: () => useClock(clock),
    advance: (ms: number) => {
      offset += ms;
    },
  };
};

export class SimClock implements Clock {
  private time: number;
  private active = 0;
  private sleepers: Array<{ at: number; wake: () => void }> = [];
  private scheduled = false;

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake });
      this.schedule();
    });
  }

  /** A participant starts working: time waits for it. */
  enter(): void {
    this.active++;
  }

  /** A participant is done: it no longer holds time back. */
  leave(): void {
    this.active--;
    this.schedule();
  }

  /** Moves time forward (between rounds, when nobody works). */
  advanceTo(at: number): void {
    this.time = Math.max(this.time, at);
    this.schedule();
  }

  install(): () => void {
    return useClock(this);
  }

  /** On the next turn of the event loop: if every participant sleeps, wake the earliest. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.sleepers.length || this.sleepers.length < this.active) return;
      const next = Math.min(...this.sleepers.map((s) => s.at));
      this.time = Math.max(this.time, next);
      const due = this.sleepers.filter((s) => s.at <= this.time);
      this.sleepers = this.sleepers.filter((s) => s.at > this.time);
      for (const sleeper of due) sleeper.wake();
    });
  }
}
