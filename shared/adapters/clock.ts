/**
 * The time the sender and the rate limiter go by. In production it is the system clock; a test
 * installs a simulated one ({@link useClock}) so that hours of sending at a real account's rate
 * (1/s, 14/s) run in seconds, with every lease, deadline and rate window intact.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

let current: Clock = systemClock;

/** The current clock; modules read it on every call, so a test's clock applies at once. */
export const clock: Clock = {
  now: () => current.now(),
  sleep: (ms) => current.sleep(ms),
};

/** Installs `next` until the returned function restores the system clock. */
export const useClock = (next: Clock): (() => void) => {
  current = next;
  return () => {
    current = systemClock;
  };
};
