import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { queueUrl, sendMessage, sqs } from './client.ts';

/** What the feedback consumer does to its own queue besides what Lambda's event source does. */
/**
 * Makes a received message visible again at once. For a message that can never succeed
 * (malformed): it runs through its few receives in seconds and lands in the DLQ, instead of
 * waiting out a visibility timeout each time.
 */
export async function releaseNow(receiptHandle: string): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl('feedback'),
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}

/** Queues a body again to be received after `seconds` (≤ 900) as a new message. */
export async function later(body: string, seconds: number): Promise<void> {
  await sendMessage('feedback', body, Math.min(900, Math.max(0, Math.round(seconds))));
}
