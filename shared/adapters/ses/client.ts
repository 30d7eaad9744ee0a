import { SendBulkEmailCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SesOutcomeUnknown, SesRejected, SesRetryLater, SesSendingStopped } from './errors.ts';

export { SesOutcomeUnknown, SesRejected, SesRetryLater, SesSendingStopped };
export type { SendingStopCode } from './errors.ts';

/**
 * How long one send may take before it counts as lost: the sender starts no call it could not see
 * end (answer or timeout) before its invocation does, and a rate slot stops counting after it.
 */
export const sesCallTimeoutMs = 10_000;

/**
 * One SES v2 client per process; locally `AWS_ENDPOINT_URL_SESV2` points at aws-ses-v2-local.
 *
 * No SDK retries: SendBulkEmail and SendEmail are not idempotent, and a retry after an answer was
 * lost would mail every recipient of the call again. One attempt, with a request timeout, and the
 * caller (the chunk attempt's state machine) decides what a failure means.
 */
export const ses = new SESv2Client({
  maxAttempts: 1,
  requestHandler: {
    connectionTimeout: 3_000,
    requestTimeout: sesCallTimeoutMs,
    throwOnRequestTimeout: true,
  },
});

/** Errors that prove the request never left this process or never reached a server. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Tells SES's failures apart (SES v2 error names; the daily quota arrives as a throttling error
 * whose message says so). Exported for its table-driven test.
 */
export const classifySesError = (
  error: unknown,
): SesRetryLater | SesSendingStopped | SesRejected | SesOutcomeUnknown => {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const message = String(e?.message ?? '');
  const status = e?.$metadata?.httpStatusCode;
  if (/daily (message |sending )?quota/i.test(message)) return new SesSendingStopped('daily_quota', name);
  switch (name) {
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'Throttling':
    case 'LimitExceededException':
      return new SesRetryLater(name);
    case 'SendingPausedException':
      return new SesSendingStopped('sending_paused', name);
    case 'AccountSuspendedException':
      return new SesSendingStopped('account_suspended', name);
    case 'MailFromDomainNotVerifiedException':
    case 'NotFoundException':
      return new SesSendingStopped('configuration', name);
    case 'MessageRejected':
    case 'BadRequestException':
      return new SesRejected(name);
  }
  if (status !== undefined && status >= 500) return new SesRetryLater(name);
  if (status !== undefined && status >= 400) return new SesRejected(name);
  // No answer. Refused or never connected: nothing was sent. Anything else may have arrived.
  if (notSentCodes.has(e?.code ?? '') || /did not establish a connection/.test(message))
    return new SesRetryLater(e?.code ?? name);
  return new SesOutcomeUnknown(e?.code ?? name);
};

const sesCall = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw classifySesError(error);
  }
};

/** SES's limit on destinations per SendBulkEmail call. */
export const sesBulkLimit = 50;

export interface BulkEntry {
  to: string;
  /** Fully rendered parts: we escape, SES only substitutes (triple-brace placeholders). */
  subject: string;
  text: string;
  html?: string | undefined;
  headers: Array<{ name: string; value: string }>;
  tags: Record<string, string>;
}

export interface BulkResult {
  status: 'sent' | 'failed';
  messageId?: string;
  error?: string;
}

/**
 * Sends up to 50 rendered messages in one SendBulkEmail call. The template is inline and only
 * substitutes the already-rendered parts, so what arrives is exactly what render() produced,
 * locally and in AWS; headers go in as `ReplacementHeaders`, so SES signs them with DKIM.
 * One attempt: a failure of the whole call is thrown as one of the classes above; per-destination
 * rejections come back as `failed` with SES's reason.
 */
export const sendBulk = async (
  from: string,
  configurationSet: string | undefined,
  entries: BulkEntry[],
): Promise<BulkResult[]> => {
  if (entries.length > sesBulkLimit) throw new Error(`SendBulkEmail takes at most ${sesBulkLimit} entries`);
  const withHtml = entries.some((e) => e.html !== undefined);
  const result = await sesCall(() =>
    ses.send(
      new SendBulkEmailCommand({
        FromEmailAddress: from,
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        DefaultContent: {
          Template: {
            TemplateContent: {
              Subject: '{{{subject}}}',
              Text: '{{{text}}}',
              ...(withHtml ? { Html: '{{{html}}}' } : {}),
            },
            TemplateData: '{}',
          },
        },
        BulkEmailEntries: entries.map((entry) => ({
          Destination: { ToAddresses: [entry.to] },
          ReplacementEmailContent: {
            ReplacementTemplate: {
              ReplacementTemplateData: JSON.stringify({
                subject: entry.subject,
                text: entry.text,
                ...(withHtml ? { html: entry.html ?? '' } : {}),
              }),
            },
          },
          ReplacementHeaders: entry.headers.map((h) => ({ Name: h.name, Value: h.value })),
          ReplacementTags: Object.entries(entry.tags).map(([Name, Value]) => ({ Name, Value })),
        })),
      }),
    ),
  );
  return entries.map((_, i) => {
    const r = result.BulkEmailEntryResults?.[i];
    return r?.Status === 'SUCCESS'
      ? { status: 'sent', ...(r.MessageId ? { messageId: r.MessageId } : {}) }
      : { status: 'failed', error: r?.Error ?? r?.Status ?? 'no result from SES' };
  });
};

/** One transactional message (the privacy e-mail, confirmations): not a bulk send; failures as above. */
export const sendOne = async (input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Array<{ name: string; value: string }>;
  configurationSet?: string | undefined;
  tags?: Record<string, string>;
}): Promise<string | undefined> => {
  const result = await sesCall(() =>
    ses.send(
      new SendEmailCommand({
        FromEmailAddress: input.from,
        Destination: { ToAddresses: [input.to] },
        ...(input.configurationSet ? { ConfigurationSetName: input.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: input.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: input.text, Charset: 'UTF-8' },
              ...(input.html ? { Html: { Data: input.html, Charset: 'UTF-8' } } : {}),
            },
            ...(input.headers?.length
              ? { Headers: input.headers.map((h) => ({ Name: h.name, Value: h.value })) }
              : {}),
          },
        },
        ...(input.tags
          ? { EmailTags: Object.entries(input.tags).map(([Name, Value]) => ({ Name, Value })) }
          : {}),
      }),
    ),
  );
  return result.MessageId;
};
