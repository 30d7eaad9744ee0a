import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { RuleViolationError, ValidationError } from '#shared/domain/errors.ts';
import {
  checkEndpointCount,
  checkEventTypes,
  checkReceiverUrl,
  disableAfterMs,
  endpointBackoffMs,
  gate,
  healthAfterFailure,
  healthy,
  isHealthy,
  maxWebhookEndpoints,
  newWebhookSecret,
  signedHeaders,
} from '#shared/domain/webhooks.ts';

const aws = { allowLocal: false };
const local = { allowLocal: true };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.details[0]?.code;
  }
};

describe('a receiver URL', () => {
  const table: Array<[string, string | undefined, string | undefined]> = [
    // url, code in AWS, code on the local stack
    ['https://hooks.example.com/in', undefined, undefined],
    ['https://hooks.example.com:8443/in?x=1', undefined, undefined],
    ['http://hooks.example.com/in', 'https_required', undefined],
    ['http://localhost:4000/hook', 'https_required', undefined],
    ['https://localhost/hook', 'address_not_allowed', undefined],
    ['https://LOCALHOST./hook', 'address_not_allowed', undefined],
    ['https://app.localhost/hook', 'address_not_allowed', undefined],
    ['https://127.0.0.1/hook', 'address_not_allowed', undefined],
    ['https://[::1]/hook', 'address_not_allowed', undefined],
    ['https://169.254.169.254/latest/meta-data/', 'address_not_allowed', 'address_not_allowed'],
    ['https://10.0.0.8/hook', 'address_not_allowed', 'address_not_allowed'],
    ['https://[fd00:ec2::254]/', 'address_not_allowed', 'address_not_allowed'],
    ['https://[::ffff:169.254.169.254]/', 'address_not_allowed', 'address_not_allowed'],
    ['https://93.184.216.34/hook', undefined, undefined],
    ['ftp://hooks.example.com/in', 'unsupported_scheme', 'unsupported_scheme'],
    ['file:///etc/passwd', 'unsupported_scheme', 'unsupported_scheme'],
    ['javascript:alert(1)', 'unsupported_scheme', 'unsupported_scheme'],
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'unsupported_scheme', 'unsupported_scheme'],
    ['hooks.example.com/in', 'invalid_url', 'invalid_url'],
    ['/relative', 'invalid_url', 'invalid_url'],
    ['https://user:pass@hooks.example.com/', 'credentials_in_url', 'credentials_in_url'],
    ['https://hooks.example.com/#frag', 'fragment_in_url', 'fragment_in_url'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, 'url_too_long', 'url_too_long'],
  ];
  it.each(table)('%s → AWS %s, local %s', (url, inAws, onLocal) => {
    expect(codeOf(() => checkReceiverUrl(url, aws))).toBe(inAws);
    expect(codeOf(() => checkReceiverUrl(url, local))).toBe(onLocal);
  });
});

describe('event types and endpoint count', () => {
  it('takes known types once each and names an unknown one', () => {
    expect(checkEventTypes(['contact.erased', 'contact.erased', 'mailing.paused'])).toEqual([
      'contact.erased',
      'mailing.paused',
    ]);
    expect(() => checkEventTypes(['contact.erased', 'contact.deleted'])).toThrow(ValidationError);
    expect(() => checkEventTypes(['webhook.test'])).toThrow(ValidationError);
  });

  it(`allows ${maxWebhookEndpoints} endpoints and refuses the next`, () => {
    expect(() => checkEndpointCount(maxWebhookEndpoints - 1)).not.toThrow();
    expect(() => checkEndpointCount(maxWebhookEndpoints)).toThrow(RuleViolationError);
  });
});

describe('signing', () => {
  it('signs as Standard Webhooks says: its reference library verifies the headers', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'contact.erased', timestamp: '2026-05-01T10:00:00.000Z', data: {} });
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, 'evt_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });
});

describe("an endpoint's circuit", () => {
  const t0 = Date.parse('2026-05-01T00:00:00.000Z');
  it('lets every delivery through while healthy', () => {
    expect(gate(healthy(), t0)).toEqual({ kind: 'send' });
    expect(isHealthy(healthy())).toBe(true);
  });

  it('makes deliveries wait after a failure, then lets one probe through', () => {
    const { health, disable } = healthAfterFailure(healthy(), t0);
    expect(disable).toBe(false);
    expect(health).toMatchObject({ consecutiveFailures: 1, failingSince: new Date(t0).toISOString() });
    expect(gate(health, t0 + 1000)).toEqual({ kind: 'wait', until: t0 + 5000 });
    expect(gate(health, t0 + 5000)).toEqual({ kind: 'probe', retryAfter: health.retryAfter });
  });

  it('backs off 5 s, doubling, up to 15 minutes', () => {
    expect([1, 2, 3, 8, 20].map(endpointBackoffMs)).toEqual([5000, 10_000, 20_000, 640_000, 900_000]);
  });

  it('is disabled by a failure 3 days after the first of the run, not before', () => {
    let state = healthAfterFailure(healthy(), t0);
    state = healthAfterFailure(state.health, t0 + disableAfterMs - 1);
    expect(state.disable).toBe(false);
    expect(state.health.failingSince).toBe(new Date(t0).toISOString());
    expect(healthAfterFailure(state.health, t0 + disableAfterMs).disable).toBe(true);
  });
});
