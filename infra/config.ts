/**
 * Deployment configuration: what differs between one deployment of Subscription Center and the next.
 * Each setting is read from CDK context (`cdk synth -c stage=prod`, or cdk.json), else from the
 * environment variable of the same meaning, else a default; everything is validated with zod when the
 * app is built, so a bad value fails the synth, not the deploy.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';

/** Where each setting comes from: CDK context key first, then environment variable. */
const sources = {
  stage: { context: 'stage', env: 'STAGE' },
  publicBaseUrl: { context: 'publicBaseUrl', env: 'PUBLIC_BASE_URL' },
  domainName: { context: 'domainName', env: 'CUSTOM_DOMAIN_NAME' },
  certificateArn: { context: 'certificateArn', env: 'CUSTOM_DOMAIN_CERTIFICATE_ARN' },
  senderDomain: { context: 'senderDomain', env: 'SENDER_DOMAIN' },
  configurationSetName: { context: 'configurationSetName', env: 'SES_CONFIGURATION_SET' },
  unsubscribeAddress: { context: 'unsubscribeAddress', env: 'UNSUBSCRIBE_ADDRESS' },
  sesRatePerSecond: { context: 'sesRatePerSecond', env: 'SES_RATE_PER_SECOND' },
  deliveryEvents: { context: 'deliveryEvents', env: 'SES_DELIVERY_EVENTS' },
  inboundMail: { context: 'inboundMail', env: 'INBOUND_MAIL' },
  sesSuppressionMirror: { context: 'sesSuppressionMirror', env: 'SES_SUPPRESSION_MIRROR' },
  eventBus: { context: 'eventBus', env: 'EVENT_BUS' },
  logRetentionDays: { context: 'logRetentionDays', env: 'LOG_RETENTION_DAYS' },
  logLevel: { context: 'logLevel', env: 'LOG_LEVEL' },
  apiThrottleRate: { context: 'apiThrottleRate', env: 'API_THROTTLE_RATE' },
  apiThrottleBurst: { context: 'apiThrottleBurst', env: 'API_THROTTLE_BURST' },
} as const;

type Setting = keyof typeof sources;

const retentionValues = new Set(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name');

/** A boolean setting: `true`/`false` from the CLI or the environment, or a boolean from cdk.json. */
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

const schema = z
  .object({
    // Part of stack names and resource names, so short and lower-case.
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, starting with a letter, ≤ 20')
      .default('dev'),
    publicBaseUrl: z
      .url({ protocol: /^https$/ })
      .refine((url) => !url.endsWith('/'), 'no trailing slash')
      .optional(),
    domainName: hostname.optional(),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN')
      .optional(),
    senderDomain: hostname.default('example.com'),
    configurationSetName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, ≤ 64')
      .optional(),
    // Accepted with or without `mailto:`; kept as the bare address, which the List-Unsubscribe header wraps.
    unsubscribeAddress: z
      .string()
      .transform((value) => value.replace(/^mailto:/i, ''))
      .pipe(z.email())
      .optional(),
    // SES's maximum send rate of the account (the sandbox allows 1); the sender paces itself to it.
    sesRatePerSecond: z.coerce.number().int().min(1).max(100_000).default(14),
    // `false` stops SES publishing Delivery events (infra/ses-events.ts says what that trades away).
    deliveryEvents: flag.default(true),
    // `false` for a region where SES does not receive mail: no receipt rule, and no mailto advertised.
    inboundMail: flag.default(true),
    // Suppressions added or lifted here go to SES's account-level suppression list too.
    sesSuppressionMirror: flag.default(true),
    // Every outgoing event also goes to an EventBridge bus of its own, for AWS-native consumers.
    eventBus: flag.default(false),
    logRetentionDays: z.coerce
      .number()
      .int()
      .refine(
        (days) => retentionValues.has(days),
        'must be one of the retention periods CloudWatch Logs offers',
      )
      .default(RetentionDays.ONE_MONTH),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    apiThrottleRate: z.coerce.number().positive().max(10_000).default(50),
    apiThrottleBurst: z.coerce.number().int().positive().max(5_000).default(100),
  })
  .refine((c) => (c.domainName === undefined) === (c.certificateArn === undefined), {
    message: 'domainName and certificateArn go together',
    path: ['domainName'],
  });

export interface DeploymentConfig {
  readonly stage: string;
  /**
   * Base of unsubscribe and preference links. Set explicitly, else the custom domain, else (undefined)
   * the API's own execute-api URL, which only the service stack knows.
   */
  readonly publicBaseUrl?: string;
  /** Optional custom domain for the HTTP API; the certificate must be in the API's region. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  readonly email: {
    /** Verified SES domain identity that mailings are sent from. */
    readonly senderDomain: string;
    readonly configurationSetName: string;
    /**
     * Bare address; the mailto: form goes into List-Unsubscribe and SES receives it
     * (infra/constructs/inbound-mail.ts). Absent when the deployment receives no mail.
     */
    readonly unsubscribeAddress?: string;
    /** SES maximum send rate, messages per second; the sender paces itself to it. */
    readonly sendRatePerSecond: number;
    /** Whether the configuration set publishes Delivery events (infra/ses-events.ts). */
    readonly deliveryEvents: boolean;
    /**
     * Whether suppressions this product adds or lifts are mirrored into SES's account-level
     * suppression list, so every sender of the account respects them.
     */
    readonly suppressionMirror: boolean;
  };
  /**
   * Whether SES receives the unsubscribe mailbox here (a receipt rule set, infra/constructs/inbound-mail.ts).
   * SES receives mail in some regions only; `false` elsewhere.
   */
  readonly inboundMail: boolean;
  /**
   * Whether outgoing events are also published to an EventBridge bus (`subscription-center-<stage>`)
   * besides the webhooks.
   */
  readonly eventBus: boolean;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Default route throttling of the API stage. */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Reads the CDK context of an app; `(key) => app.node.tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

/**
 * Reads and validates the deployment configuration. Context wins over the environment; empty
 * strings count as unset. Throws one error listing every invalid setting.
 */
export const loadDeploymentConfig = (
  context: ContextReader,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentConfig => {
  const raw: Partial<Record<Setting, unknown>> = {};
  for (const [setting, source] of Object.entries(sources) as [Setting, (typeof sources)[Setting]][]) {
    const value = context(source.context) ?? env[source.env];
    if (value !== undefined && value !== '') raw[setting] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const setting = issue.path[0] as Setting | undefined;
      const where = setting
        ? `${setting} (context "${sources[setting].context}" / env ${sources[setting].env})`
        : 'config';
      return `${where}: ${issue.message}`;
    });
    throw new Error(`Invalid deployment configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const customDomain =
    c.domainName && c.certificateArn
      ? { domainName: c.domainName, certificateArn: c.certificateArn }
      : undefined;
  return {
    stage: c.stage,
    publicBaseUrl: c.publicBaseUrl ?? (customDomain ? `https://${customDomain.domainName}` : undefined),
    customDomain,
    email: {
      senderDomain: c.senderDomain,
      configurationSetName: c.configurationSetName ?? `subscription-center-${c.stage}`,
      // Without receiving, only an address set explicitly (received elsewhere) is advertised.
      ...(c.unsubscribeAddress || c.inboundMail
        ? { unsubscribeAddress: c.unsubscribeAddress ?? `unsubscribe@${c.senderDomain}` }
        : {}),
      sendRatePerSecond: c.sesRatePerSecond,
      deliveryEvents: c.deliveryEvents,
      suppressionMirror: c.sesSuppressionMirror,
    },
    inboundMail: c.inboundMail,
    eventBus: c.eventBus,
    logRetention: c.logRetentionDays as RetentionDays,
    logLevel: c.logLevel,
    apiThrottle: { rateLimit: c.apiThrottleRate, burstLimit: c.apiThrottleBurst },
  };
};
