/**
 * A deployment that does not mirror suppressions into SES (`sesSuppressionMirror=false`): the
 * product's own list works as before, and SES's account-level list is never touched.
 */
import { randomUUID } from 'node:crypto';
import { GetSuppressedDestinationCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { snsEnvelope } from '#infra/local/ses-simulator.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack } = useLocalStack({ sesSuppressionMirror: false });

const listed = async (ses: SESv2Client, address: string) =>
  ses.send(new GetSuppressedDestinationCommand({ EmailAddress: address })).then(
    (answer) => answer.SuppressedDestination?.Reason,
    (error: unknown) => {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    },
  );

describe('suppressions without the SES mirror', () => {
  it('are added, found and lifted here alone, answers without sesSuppressionList', async () => {
    const ses = new SESv2Client({});
    const manual = `off.manual.${Date.now()}@example.com`;
    const created = await request<{ id: string; sesSuppressionList?: string }>('POST', '/suppressions', {
      body: { email: manual, reason: 'manual' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.sesSuppressionList).toBeUndefined();

    const bounced = `off.bounce.${Date.now()}@example.net`;
    const at = new Date().toISOString();
    await stack().sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack().queueUrls.feedback.url,
        Entries: [
          {
            Id: '0',
            MessageBody: JSON.stringify(
              snsEnvelope(
                {
                  eventType: 'Bounce',
                  mail: { timestamp: at, messageId: randomUUID(), destination: [bounced], tags: {} },
                  bounce: {
                    bounceType: 'Permanent',
                    bounceSubType: 'General',
                    bouncedRecipients: [{ emailAddress: bounced }],
                    timestamp: at,
                    feedbackId: randomUUID(),
                  },
                },
                new Date(),
              ),
            ),
          },
        ],
      }),
    );
    await stack().drain();
    const entry = await request<{ items: Array<{ id: string; reason: string }> }>(
      'GET',
      `/suppressions?email=${encodeURIComponent(bounced)}`,
    );
    expect(entry.body.items).toEqual([expect.objectContaining({ reason: 'hard_bounce' })]);
    expect(await listed(ses, manual)).toBeUndefined();
    expect(await listed(ses, bounced)).toBeUndefined();

    // Without the mirror, no address is needed to lift it.
    const lifted = await request<{ sesSuppressionList?: string }>(
      'DELETE',
      `/suppressions/${entry.body.items[0]?.id}`,
    );
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.sesSuppressionList).toBeUndefined();
    ses.destroy();
  });
});
