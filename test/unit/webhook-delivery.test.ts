import { describe, expect, it } from 'vitest';
import {
  type AttemptResult,
  afterAttempt,
  afterEndpointLost,
  afterWaiting,
  type DeliveryState,
  hopDelaySeconds,
  initialDelivery,
  isFinal,
  maxAttempts,
  maxLoggedAttempts,
  retryDelaysSeconds,
  retryWindowMs,
} from '#shared/domain/webhook-delivery.ts';

const t0 = Date.parse('2026-05-01T00:00:00.000Z');
const ok: AttemptResult = { kind: 'response', statusCode: 204, ms: 30 };
const error500: AttemptResult = { kind: 'response', statusCode: 500, ms: 30 };
const gone: AttemptResult = { kind: 'response', statusCode: 410, ms: 30 };
const timeout: AttemptResult = { kind: 'timeout', ms: 10_000 };
const refused: AttemptResult = { kind: 'network', error: 'ECONNREFUSED', ms: 2 };
const blocked: AttemptResult = { kind: 'blocked', error: 'private' };
const redirect: AttemptResult = { kind: 'response', statusCode: 302, ms: 5 };

const retrying = (attempts: number): DeliveryState => ({
  status: 'retrying',
  attempts,
  attemptLog: [],
  nextAttemptAt: new Date(t0).toISOString(),
});

describe('a delivery attempt', () => {
  // from, attempt number, result → status, reason, retry in (s), dead letter, endpoint verdict
  const table: Array<
    [
      string,
      DeliveryState,
      number,
      AttemptResult,
      string,
      string | undefined,
      number | undefined,
      boolean,
      string,
    ]
  > = [
    ['first try, 2xx', initialDelivery(), 1, ok, 'delivered', undefined, undefined, false, 'succeeded'],
    ['first try, 500', initialDelivery(), 1, error500, 'retrying', undefined, 5, false, 'failed'],
    ['first try, timeout', initialDelivery(), 1, timeout, 'retrying', undefined, 5, false, 'failed'],
    ['first try, refused', initialDelivery(), 1, refused, 'retrying', undefined, 5, false, 'failed'],
    ['first try, blocked address', initialDelivery(), 1, blocked, 'retrying', undefined, 5, false, 'failed'],
    [
      'first try, a redirect (not followed)',
      initialDelivery(),
      1,
      redirect,
      'retrying',
      undefined,
      5,
      false,
      'failed',
    ],
    ['first try, 410', initialDelivery(), 1, gone, 'failed', 'endpoint_gone', undefined, false, 'gone'],
    ['second try, 500', retrying(1), 2, error500, 'retrying', undefined, 300, false, 'failed'],
    ['third try, 2xx', retrying(2), 3, ok, 'delivered', undefined, undefined, false, 'succeeded'],
    ['seventh try, 500', retrying(6), 7, error500, 'retrying', undefined, 36_000, false, 'failed'],
    ['last try, 500', retrying(7), 8, error500, 'failed', 'exhausted', undefined, true, 'failed'],
    ['last try, 2xx', retrying(7), 8, ok, 'delivered', undefined, undefined, false, 'succeeded'],
  ];
  it.each(table)('%s', (_label, from, attempt, result, status, reason, retryS, deadLetter, endpoint) => {
    // Each attempt at its place in the schedule.
    const now = t0 + retryDelaysSeconds.slice(0, attempt - 1).reduce((s, d) => s + d * 1000, 0);
    const next = afterAttempt(from, attempt, result, now, t0);
    expect(next.state.status).toBe(status);
    expect(next.state.failedReason).toBe(reason);
    expect(next.state.attempts).toBe(attempt);
    expect(next.retryInMs).toBe(retryS === undefined ? undefined : retryS * 1000);
    expect(next.deadLetter ?? false).toBe(deadLetter);
    expect(next.endpoint).toBe(endpoint);
    expect(next.state.attemptLog.at(-1)?.at).toBe(new Date(now).toISOString());
    if (status === 'retrying')
      expect(Date.parse(next.state.nextAttemptAt ?? '')).toBe(now + (retryS ?? 0) * 1000);
  });

  it(`retries ${maxAttempts} times over more than 24 hours before giving up`, () => {
    let state = initialDelivery();
    let now = t0;
    let attempts = 0;
    for (;;) {
      const next = afterAttempt(state, attempts + 1, error500, now, t0);
      attempts++;
      state = next.state;
      if (!next.retryInMs) break;
      now += next.retryInMs;
    }
    expect(attempts).toBe(maxAttempts);
    expect(now - t0).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(now - t0).toBe(retryWindowMs);
    expect(state).toMatchObject({ status: 'failed', failedReason: 'exhausted' });
  });

  it('logs what each attempt got, keeping the first and the latest', () => {
    let state = initialDelivery();
    for (let i = 1; i <= 12; i++) state = afterAttempt(state, i, error500, t0 + i, t0).state;
    expect(state.attemptLog).toHaveLength(maxLoggedAttempts);
    expect(state.attemptLog[0]).toMatchObject({ statusCode: 500, at: new Date(t0 + 1).toISOString() });
    expect(state.attemptLog.at(-1)?.at).toBe(new Date(t0 + 12).toISOString());
    const logged = afterAttempt(initialDelivery(), 1, timeout, t0, t0).state.attemptLog[0];
    expect(logged).toEqual({ at: new Date(t0).toISOString(), error: 'timeout', ms: 10_000 });
  });
});

describe('a delivery kept waiting by its endpoint', () => {
  it('is pending before its first attempt and retrying after one, due when the circuit lets it', () => {
    expect(afterWaiting(initialDelivery(), t0 + 5000, t0, t0)).toEqual({
      state: {
        status: 'pending',
        attempts: 0,
        attemptLog: [],
        nextAttemptAt: new Date(t0 + 5000).toISOString(),
      },
      retryInMs: 5000,
    });
    expect(afterWaiting(retrying(2), t0 + 60_000, t0, t0).state.status).toBe('retrying');
  });

  it('fails to the dead-letter queue once its window is over', () => {
    const next = afterWaiting(retrying(3), t0 + 2 * retryWindowMs, t0 + retryWindowMs, t0);
    expect(next).toMatchObject({ state: { status: 'failed', failedReason: 'exhausted' }, deadLetter: true });
  });

  it('fails without an attempt when the endpoint is disabled or deleted', () => {
    expect(afterEndpointLost(retrying(2), 'endpoint_disabled').state).toEqual({
      status: 'failed',
      attempts: 2,
      attemptLog: [],
      failedReason: 'endpoint_disabled',
    });
  });

  it('hops at most 15 minutes at a time through the queue', () => {
    expect(hopDelaySeconds(t0 + 5000, t0)).toBe(5);
    expect(hopDelaySeconds(t0 + 3600_000, t0)).toBe(900);
    expect(hopDelaySeconds(t0 - 5000, t0)).toBe(0);
  });

  it('is final once delivered or failed', () => {
    expect(['pending', 'retrying', 'delivered', 'failed'].map((s) => isFinal(s as never))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
