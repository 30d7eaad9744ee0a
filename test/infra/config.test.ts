import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { loadDeploymentConfig } from '#infra/config.ts';

const noContext = () => undefined;
const context = (values: Record<string, unknown>) => (key: string) => values[key];

describe('deployment config', () => {
  it('has working defaults with no context and no environment', () => {
    expect(loadDeploymentConfig(noContext, {})).toEqual({
      stage: 'dev',
      publicBaseUrl: undefined,
      customDomain: undefined,
      email: {
        senderDomain: 'example.com',
        configurationSetName: 'subscription-center-dev',
        unsubscribeAddress: 'unsubscribe@example.com',
        sendRatePerSecond: 14,
        deliveryEvents: true,
        suppressionMirror: true,
      },
      inboundMail: true,
      eventBus: false,
      logRetention: RetentionDays.ONE_MONTH,
      logLevel: 'info',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
    });
  });

  it('turns Delivery events off only when told so, by context or environment, and refuses anything else', () => {
    expect(loadDeploymentConfig(context({ deliveryEvents: 'false' }), {}).email.deliveryEvents).toBe(false);
    expect(loadDeploymentConfig(context({ deliveryEvents: false }), {}).email.deliveryEvents).toBe(false);
    expect(loadDeploymentConfig(noContext, { SES_DELIVERY_EVENTS: 'false' }).email.deliveryEvents).toBe(
      false,
    );
    expect(loadDeploymentConfig(noContext, { SES_DELIVERY_EVENTS: 'true' }).email.deliveryEvents).toBe(true);
    expect(() => loadDeploymentConfig(noContext, { SES_DELIVERY_EVENTS: 'no' })).toThrow(/deliveryEvents/);
  });

  it('reads the environment, coercing numbers, and lets context win over it', () => {
    const config = loadDeploymentConfig(context({ stage: 'prod', sesRatePerSecond: 40 }), {
      STAGE: 'ignored',
      SES_RATE_PER_SECOND: '1',
      API_THROTTLE_RATE: '25',
      API_THROTTLE_BURST: '',
      LOG_RETENTION_DAYS: '90',
      SENDER_DOMAIN: 'news.example.org',
    });
    expect(config.stage).toBe('prod');
    expect(config.email).toMatchObject({
      sendRatePerSecond: 40,
      senderDomain: 'news.example.org',
      configurationSetName: 'subscription-center-prod',
    });
    expect(config.apiThrottle).toEqual({ rateLimit: 25, burstLimit: 100 });
    expect(config.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('advertises no mailto when the deployment receives no mail, unless an address is set explicitly', () => {
    const off = loadDeploymentConfig(context({ inboundMail: 'false' }), {});
    expect(off.inboundMail).toBe(false);
    expect(off.email.unsubscribeAddress).toBeUndefined();
    const elsewhere = loadDeploymentConfig(context({ inboundMail: false }), {
      UNSUBSCRIBE_ADDRESS: 'opt-out@news.example.org',
    });
    expect(elsewhere.email.unsubscribeAddress).toBe('opt-out@news.example.org');
    expect(() => loadDeploymentConfig(noContext, { INBOUND_MAIL: 'maybe' })).toThrow(/inboundMail/);
  });

  it('mirrors suppressions into SES unless told not to', () => {
    expect(loadDeploymentConfig(noContext, {}).email.suppressionMirror).toBe(true);
    expect(loadDeploymentConfig(noContext, { SES_SUPPRESSION_MIRROR: 'false' }).email.suppressionMirror).toBe(
      false,
    );
    expect(() => loadDeploymentConfig(context({ sesSuppressionMirror: 'no' }), {})).toThrow(
      /sesSuppressionMirror/,
    );
  });

  it('publishes events to an EventBridge bus only when told so', () => {
    expect(loadDeploymentConfig(noContext, {}).eventBus).toBe(false);
    expect(loadDeploymentConfig(context({ eventBus: 'true' }), {}).eventBus).toBe(true);
    expect(loadDeploymentConfig(noContext, { EVENT_BUS: 'true' }).eventBus).toBe(true);
    expect(() => loadDeploymentConfig(context({ eventBus: 'yes' }), {})).toThrow(/eventBus/);
  });

  it('keeps the unsubscribe address bare, with or without mailto:', () => {
    const env = { UNSUBSCRIBE_ADDRESS: 'mailto:opt-out@news.example.org' };
    expect(loadDeploymentConfig(noContext, env).email.unsubscribeAddress).toBe('opt-out@news.example.org');
  });

  it('bases public links on the custom domain when one is configured', () => {
    const config = loadDeploymentConfig(
      context({
        domainName: 'subscriptions.example.org',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc',
      }),
      {},
    );
    expect(config.publicBaseUrl).toBe('https://subscriptions.example.org');
    expect(config.customDomain?.domainName).toBe('subscriptions.example.org');
  });

  it('prefers an explicit PUBLIC_BASE_URL', () => {
    const env = { PUBLIC_BASE_URL: 'https://links.example.org' };
    expect(loadDeploymentConfig(noContext, env).publicBaseUrl).toBe('https://links.example.org');
  });

  it.each([
    [{ stage: 'Prod!' }, /stage \(context "stage" \/ env STAGE\)/],
    [{ publicBaseUrl: 'http://links.example.org' }, /publicBaseUrl/],
    [{ publicBaseUrl: 'https://links.example.org/' }, /no trailing slash/],
    [{ logRetentionDays: 42 }, /logRetentionDays.*retention periods/],
    [{ sesRatePerSecond: 0 }, /sesRatePerSecond/],
    [{ sesRatePerSecond: 2.5 }, /sesRatePerSecond/],
    [{ unsubscribeAddress: 'mailto:not-an-address' }, /unsubscribeAddress/],
    [{ domainName: 'subscriptions.example.org' }, /domainName and certificateArn go together/],
  ])('rejects %j, naming the setting', (values, message) => {
    expect(() => loadDeploymentConfig(context(values), {})).toThrow(message);
  });
});
