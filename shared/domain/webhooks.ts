/**
 * Webhook endpoints: where outgoing events (./events.ts) are delivered, what a registration must
 * satisfy, how each request is signed (Standard Webhooks), and the endpoint's health — the circuit
 * that keeps one failing or slow receiver from holding up the deliveries to every other one. Pure.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { RuleViolationError, ValidationError } from './errors.ts';
import { type EventType, eventTypes } from './events.ts';
import { classifyAddress, isIpLiteral } from './network-address.ts';

/** An account has at most this many endpoints (disabled ones included, until deleted). */
export const maxWebhookEndpoints = 20;
export const maxWebhookUrlLength = 2048;

export type EndpointStatus = 'active' | 'disabled';
/** `gone`: the receiver answered 410; `failing`: every attempt failed for {@link disableAfterMs}. */
export type DisabledReason = 'gone' | 'failing';

/** An endpoint fails for this long without one success, and it is disabled. */
export const disableAfterMs = 3 * 24 * 3600 * 1000;

/**
 * The circuit of one endpoint. While it fails, deliveries to it wait for `retryAfter` instead of
 * each trying (and, for a slow receiver, waiting out the timeout): one probe at a time finds out
 * whether it is back.
 */
export interface EndpointHealth {
  consecutiveFailures: number;
  /** The first failure since the last success. */
  failingSince?: string;
  lastFailureAt?: string;
  /** Deliveries wait until then; the first one after it is the probe. */
  retryAfter?: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: EventType[];
  description?: string;
  createdAt: string;
  createdBy: string;
  status: EndpointStatus;
  disabledAt?: string;
  disabledReason?: DisabledReason;
  health: EndpointHealth;
}

/** What the deployment allows: in AWS only https and public addresses; the local stack adds localhost. */
export interface ReceiverPolicy {
  /** `http:` URLs and loopback addresses, for receivers on the developer's own machine. */
  allowLocal: boolean;
}

const urlProblem = (code: string, message: string) =>
  new ValidationError('The webhook URL is not allowed', [{ path: 'body.url', code, message }]);

/**
 * May a delivery connect to this address? Public unicast only; loopback too when the policy allows
 * local receivers (the local stack), never private, link-local (the metadata service) or reserved.
 */
export const addressAllowed = (ip: string, policy: ReceiverPolicy): boolean => {
  const kind = classifyAddress(ip);
  return kind === 'public' || (policy.allowLocal && kind === 'loopback');
};

/** Host names that always mean this machine. */
const localNames = /^(localhost|localhost\.localdomain|[^.]+\.localhost)\.?$/i;

/**
 * Checks a receiver URL as far as can be done without DNS: absolute `https:` (or `http:` where the
 * policy allows local receivers), no user name or password, no fragment, a host, and — when the host
 * is an IP address or a name that always means this machine — an address the policy allows. Returns
 * the normalised URL; throws ValidationError (422) naming the problem. The adapter resolves the name
 * and checks every address (./network-address.ts), at registration and again at each delivery.
 */
export const checkReceiverUrl = (text: string, policy: ReceiverPolicy): URL => {
  if (text.length > maxWebhookUrlLength)
    throw urlProblem('url_too_long', `At most ${maxWebhookUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw urlProblem('invalid_url', 'Not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw urlProblem('unsupported_scheme', 'Only http(s) URLs receive webhooks');
  if (url.protocol === 'http:' && !policy.allowLocal)
    throw urlProblem('https_required', 'Webhooks are delivered over https only');
  if (url.username || url.password)
    throw urlProblem(
      'credentials_in_url',
      'No user name or password in the URL: verify the signature instead',
    );
  if (url.hash) throw urlProblem('fragment_in_url', 'No #fragment in the URL');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw urlProblem('invalid_url', 'The URL has no host');
  if (isIpLiteral(host)) {
    if (!addressAllowed(host, policy))
      throw urlProblem('address_not_allowed', `The address is ${classifyAddress(host)}, not public`);
  } else if (localNames.test(host) && !policy.allowLocal) {
    throw urlProblem('address_not_allowed', 'The host is this machine');
  }
  return url;
};

/** Event types: each known, each once (a repeat is ignored). Throws a 422 naming an unknown one. */
export const checkEventTypes = (types: readonly string[]): EventType[] => {
  const unknown = types.filter((t) => !(eventTypes as readonly string[]).includes(t));
  if (unknown.length)
    throw new ValidationError('Unknown event type', [
      ...unknown.map((t) => ({
        path: 'body.events',
        code: 'unknown_event_type',
        message: `"${t.slice(0, 100)}" is none of ${eventTypes.join(', ')}`,
      })),
    ]);
  return [...new Set(types)] as EventType[];
};

/** Throws the 422 of a registration past {@link maxWebhookEndpoints}. */
export const checkEndpointCount = (existing: number): void => {
  if (existing >= maxWebhookEndpoints)
    throw new RuleViolationError(`An account has at most ${maxWebhookEndpoints} webhook endpoints`, [
      {
        path: 'body',
        code: 'too_many_endpoints',
        count: existing,
        message: `Delete one of the ${existing} first`,
      },
    ]);
};

/** Does the endpoint want this event now? */
export const wants = (endpoint: WebhookEndpoint, type: string): boolean =>
  endpoint.status === 'active' && (endpoint.events as readonly string[]).includes(type);

/** A new signing secret as Standard Webhooks spells it: `whsec_` + base64 of 24 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** The key bytes of a `whsec_…` secret. */
const secretKey = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (Standard Webhooks), the timestamp in whole
 * seconds since the epoch.
 */
export const signature = (secret: string, id: string, timestamp: number, body: string): string =>
  `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

/** The headers of a delivery: the three Standard Webhooks headers, and the body's type. */
export const signedHeaders = (
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature(secret, id, timestamp, body),
});

// ----- the endpoint's circuit -----

/** How long an endpoint waits after its n-th failure in a row before the next probe. */
export const endpointBackoffMs = (consecutiveFailures: number): number =>
  Math.min(5000 * 2 ** Math.max(0, consecutiveFailures - 1), 15 * 60 * 1000);

/** What a delivery may do now: send, send as the one probe, or wait until the given time. */
export type Gate = { kind: 'send' } | { kind: 'probe'; retryAfter: string } | { kind: 'wait'; until: number };

/** Healthy, or cooled down (the caller then claims the probe), or still cooling. */
export const gate = (health: EndpointHealth, now: number): Gate => {
  if (!health.retryAfter) return { kind: 'send' };
  const until = Date.parse(health.retryAfter);
  return now >= until ? { kind: 'probe', retryAfter: health.retryAfter } : { kind: 'wait', until };
};

/** How long a claimed probe holds the circuit: longer than an attempt may take. */
export const probeLeaseMs = 20_000;

/** The endpoint after a failed attempt at `now`; `disable` when it has failed for 3 days. */
export const healthAfterFailure = (
  health: EndpointHealth,
  now: number,
): { health: EndpointHealth; disable: boolean } => {
  const at = new Date(now).toISOString();
  const failingSince = health.failingSince ?? at;
  const consecutiveFailures = health.consecutiveFailures + 1;
  return {
    health: {
      consecutiveFailures,
      failingSince,
      lastFailureAt: at,
      retryAfter: new Date(now + endpointBackoffMs(consecutiveFailures)).toISOString(),
    },
    disable: now - Date.parse(failingSince) >= disableAfterMs,
  };
};

/** A healthy endpoint: what a success leaves. */
export const healthy = (): EndpointHealth => ({ consecutiveFailures: 0 });

/** Is there anything for a success to clear? (A healthy endpoint costs no write per delivery.) */
export const isHealthy = (health: EndpointHealth): boolean =>
  health.consecutiveFailures === 0 && !health.retryAfter && !health.failingSince;
