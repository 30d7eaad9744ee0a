import middy from '@middy/core';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { bucketName } from '#shared/adapters/s3/client.ts';
import { SesReceiptEvent } from '#shared/domain/inbound-mail.ts';
import { logger } from '#shared/observability/logger.ts';
import { handleReceiptEvent, inboundMailConfig } from '#shared/use-cases/unsubscribe-by-mail.ts';

// Fail at cold start, not on the first message, when the function is not configured.
inboundMailConfig();
bucketName('inboundMail');
for (const table of ['contacts', 'app'] as const) tableName(table);

/**
 * The unsubscribe mailbox: invoked asynchronously by the SES receipt rule (Lambda action) after its
 * S3 action stored the raw message, with SES's receipt event. Answers nothing (SES ignores an
 * asynchronous answer); throws only when a dependency failed, so the invocation is retried.
 */
export const handler = middy<unknown, void>().handler(async (event) => {
  const parsed = SesReceiptEvent.safeParse(event);
  if (!parsed.success) {
    logger.warn('inbound mail: not an SES receipt event; dropped');
    return;
  }
  await handleReceiptEvent(parsed.data.Records);
});
