/**
 * One event's delivery to one endpoint, as an explicit state machine. Pure: the worker
 * (shared/use-cases/webhook-delivery.ts) reads the stored record, asks these transitions what comes
 * next, and stores the answer conditionally on the version it read.
 *
 *   (none) ──wait for the endpoint's circuit──▶ pending ──┐
 *     │                                                   │
 *     └──────────────attempt──────────────────────────────┴──▶ delivered   (2xx)
 *                                                         ├──▶ retrying    (anything else; again after a backoff)
 *                                                         └──▶ failed      (410: endpoint gone; retries used up;
 *                                                                           endpoint disabled or deleted meanwhile)
 *   retrying ──attempt──▶ delivered | retrying | failed        retrying ──wait──▶ retrying
 *
 * Retries follow the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each
 * failed attempt — eight attempts over 27.6 hours — then the delivery fails and its message goes to
 * the dead-letter queue. `delivered` and `failed` are final: a duplicate message finds them and does
 * nothing.
 */

export const deliveryStatuses = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const failedReasons = ['exhausted', 'endpoint_gone', 'endpoint_disabled', 'endpoint_deleted'] as const;
export type FailedReason = (typeof failedReasons)[number];

/** Seconds to wait after the n-th failed attempt before attempt n + 1. */
export const retryDelaysSeconds = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;
export const maxAttempts = retryDelaysSeconds.length + 1;
/** From the first attempt to the last: 27.6 hours (more than the 24 hours receivers may rely on). */
export const retryWindowMs = retryDelaysSeconds.reduce((sum, s) => sum + s, 0) * 1000;

/**
 * A delivery kept waiting by its endpoint's circuit fails once it is this much past the schedule's
 * window (the attempts themselves, up to 10 s each, and the queue's hops make a real schedule a little
 * longer than the sum of its delays).
 */
export const windowSlackMs = 3600 * 1000;

/** A request waits at most this long for the receiver's answer (headers and the start of the body). */
export const attemptTimeoutMs = 10_000;
/** At most this much of an answer is read; the rest is not waited for (a 5 MB body is no problem). */
export const maxResponseBytes = 64 * 1024;
/** Attempts a record keeps in its log: the first and the latest. */
export const maxLoggedAttempts = 10;

/** How one attempt ended. */
export type AttemptResult =
  | { kind: 'response'; statusCode: number; ms: number }
  | { kind: 'timeout'; ms: number }
  /** No answer: refused connection, reset, DNS failure, TLS error. */
  | { kind: 'network'; error: string; ms: number }
  /** The guard refused every address the name resolves to now (it may have changed since registration). */
  | { kind: 'blocked'; error: string };

export interface AttemptLog {
  at: string;
  /** The receiver's HTTP status, when it answered. */
  statusCode?: number;
  /** `timeout`, `network:<code>`, `blocked:<reason>`. */
  error?: string;
  ms?: number;
}

/** The stored state of one delivery. */
export interface DeliveryState {
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  attemptLog: AttemptLog[];
  /** When the next attempt is due (pending, retrying). */
  nextAttemptAt?: string;
  deliveredAt?: string;
  failedReason?: FailedReason;
}

export const initialDelivery = (): DeliveryState => ({ status: 'pending', attempts: 0, attemptLog: [] });

export const isFinal = (status: DeliveryStatus): boolean => status === 'delivered' || status === 'failed';

/** 2xx delivers, 410 means the endpoint is gone for good, anything else (or no answer) is retried. */
export const verdictOf = (result: AttemptResult): 'delivered' | 'gone' | 'failed' => {
  if (result.kind !== 'response') return 'failed';
  if (result.statusCode >= 200 && result.statusCode < 300) return 'delivered';
  return result.statusCode === 410 ? 'gone' : 'failed';
};

const logOf = (result: AttemptResult, at: string): AttemptLog => {
  switch (result.kind) {
    case 'response':
      return { at, statusCode: result.statusCode, ms: result.ms };
    case 'timeout':
      return { at, error: 'timeout', ms: result.ms };
    case 'network':
      return { at, error: `network:${result.error}`, ms: result.ms };
    case 'blocked':
      return { at, error: `blocked:${result.error}` };
  }
};

/** Keeps the first attempt and the latest ones. */
const appendLog = (log: readonly AttemptLog[], entry: AttemptLog): AttemptLog[] => {
  const all = [...log, entry];
  return all.length <= maxLoggedAttempts
    ? all
    : [all[0] as AttemptLog, ...all.slice(-(maxLoggedAttempts - 1))];
};

/** What comes after a transition: store `state`; maybe try again in `retryInMs`; maybe dead-letter. */
export interface Next {
  state: DeliveryState;
  /** Re-queue the delivery to be attempted again after this long. */
  retryInMs?: number;
  /** The delivery failed for good after its retries: its message goes to the dead-letter queue. */
  deadLetter?: boolean;
  /** What the attempt says about the endpoint (absent when no attempt was made). */
  endpoint?: 'succeeded' | 'failed' | 'gone';
}

/**
 * After attempt number `attempt` (1-based) ended with `result` at `now`, for a delivery first
 * attempted (or created) at `createdAt`: delivered; failed for good (410, or the retries are used
 * up); or retrying after the next delay of the schedule.
 */
export const afterAttempt = (
  state: DeliveryState,
  attempt: number,
  result: AttemptResult,
  now: number,
  createdAt: number,
): Next => {
  const at = new Date(now).toISOString();
  const attemptLog = appendLog(state.attemptLog, logOf(result, at));
  const base = { attempts: attempt, attemptLog };
  const verdict = verdictOf(result);
  if (verdict === 'delivered')
    return { state: { ...base, status: 'delivered', deliveredAt: at }, endpoint: 'succeeded' };
  if (verdict === 'gone')
    return { state: { ...base, status: 'failed', failedReason: 'endpoint_gone' }, endpoint: 'gone' };
  const delayS = retryDelaysSeconds[attempt - 1];
  if (delayS === undefined || now + delayS * 1000 - createdAt > retryWindowMs + windowSlackMs)
    return {
      state: { ...base, status: 'failed', failedReason: 'exhausted' },
      deadLetter: true,
      endpoint: 'failed',
    };
  return {
    state: { ...base, status: 'retrying', nextAttemptAt: new Date(now + delayS * 1000).toISOString() },
    retryInMs: delayS * 1000,
    endpoint: 'failed',
  };
};

/**
 * The delivery waits, unattempted this time, until `until` (the endpoint's circuit is open) —
 * unless its retry window is over by then: then it failed, and goes to the dead-letter queue.
 */
export const afterWaiting = (state: DeliveryState, until: number, now: number, createdAt: number): Next => {
  if (until - createdAt > retryWindowMs + windowSlackMs)
    return { state: { ...state, status: 'failed', failedReason: 'exhausted' }, deadLetter: true };
  return {
    state: {
      ...state,
      status: state.attempts ? 'retrying' : 'pending',
      nextAttemptAt: new Date(until).toISOString(),
    },
    retryInMs: Math.max(0, until - now),
  };
};

/** The endpoint was disabled or deleted meanwhile: nothing more is attempted. */
export const afterEndpointLost = (
  state: DeliveryState,
  reason: 'endpoint_disabled' | 'endpoint_deleted',
): Next => {
  const { nextAttemptAt: _next, ...rest } = state;
  return { state: { ...rest, status: 'failed', failedReason: reason } };
};

/** SQS holds a message back at most 15 minutes: a longer wait is several hops. */
export const maxQueueDelaySeconds = 900;

/** The DelaySeconds of the next hop towards `due`. */
export const hopDelaySeconds = (due: number, now: number): number =>
  Math.min(maxQueueDelaySeconds, Math.max(0, Math.ceil((due - now) / 1000)));
