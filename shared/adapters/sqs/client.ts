import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterEnvVars, queueEnvVars } from '#infra/env-vars.ts';
import type { QueueName } from '#infra/queues.ts';
import { readSettings, url as urlSetting } from '#shared/config/settings.ts';

/** One SQS client per process; the endpoint comes from `AWS_ENDPOINT_URL_SQS` locally. */
export const sqs = new SQSClient({});

const urls = new Map<QueueName, string>();

/** A queue's URL from the env var its definition declares (infra/queues.ts). */
export const queueUrl = (name: QueueName): string => {
  let url = urls.get(name);
  if (!url) {
    const envVar = queueEnvVars[name];
    url = readSettings({ [envVar]: urlSetting() })[envVar] as string;
    urls.set(name, url);
  }
  return url;
};

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));

/**
 * Sends messages 10 per `SendMessageBatch` (SQS's limit), resending the entries SQS reports
 * failed with backoff. Each body must stay ≤ 64 KB: one billed request chunk.
 */
export const sendMessages = async (name: QueueName, bodies: string[]): Promise<void> => {
  const url = queueUrl(name);
  for (let i = 0; i < bodies.length; i += 10) {
    let entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body }));
    for (let attempt = 0; entries.length; attempt++) {
      if (attempt > 6) throw new Error('SendMessageBatch: entries still failing after 6 retries');
      if (attempt) await pause(attempt);
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      const failed = new Set((result.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
};

export const sendMessage = async (name: QueueName, body: string, delaySeconds = 0): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl(name), MessageBody: body, DelaySeconds: delaySeconds }),
  );
};

/**
 * Sends to a queue's own dead-letter queue what its consumer gave up on (infra/queues.ts
 * `sendsToDeadLetter`), with the URL from the env var of infra/env-vars.ts `deadLetterEnvVars`.
 */
export const sendToDeadLetter = async (name: keyof typeof deadLetterEnvVars, body: string): Promise<void> => {
  const envVar = deadLetterEnvVars[name];
  const url = readSettings({ [envVar]: urlSetting() })[envVar] as string;
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
};
