import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseNotification } from '#shared/domain/ses-events.ts';
import { checkFeedbackConfig, processFeedback } from '#shared/use-cases/feedback.ts';

checkFeedbackConfig();

/**
 * Consumer of the feedback queue: SES events of the configuration set, as SNS delivers them to an
 * SQS subscription (the notification envelope). Answers a partial batch failure: only the records
 * that failed come back, a malformed one until it lands in the DLQ.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
  const { failed } = await processFeedback(
    event.Records.map((record) => ({
      id: record.messageId,
      receiptHandle: record.receiptHandle,
      body: record.body,
      parsed: parseNotification(record.body),
    })),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
});
