import { SendBulkEmailCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';

/** One SES v2 client per process; locally `AWS_ENDPOINT_URL_SESV2` points at aws-ses-v2-local. */
export const ses = new SESv2Client({});

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
 * Throttling and 5xx are retried by the SDK (adaptive retry); per-destination rejections come back
 * as `failed` with SES's reason.
 */
export const sendBulk = async (
  from: string,
  configurationSet: string | undefined,
  entries: BulkEntry[],
): Promise<BulkResult[]> => {
  if (entries.length > sesBulkLimit) throw new Error(`SendBulkEmail takes at most ${sesBulkLimit} entries`);
  const withHtml = entries.some((e) => e.html !== undefined);
  const result = await ses.send(
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
  );
  return entries.map((_, i) => {
    const r = result.BulkEmailEntryResults?.[i];
    return r?.Status === 'SUCCESS'
      ? { status: 'sent', ...(r.MessageId ? { messageId: r.MessageId } : {}) }
      : { status: 'failed', error: r?.Error ?? r?.Status ?? 'no result from SES' };
  });
};

/** One transactional message (the privacy e-mail, confirmations): not a bulk send. */
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
  const result = await ses.send(
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
  );
  return result.MessageId;
};
