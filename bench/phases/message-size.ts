/**
 * The SQS message worst case, measured on the real format: 50 recipients with 254-character
 * addresses and every merge field at its schema maximum (first and last name 100 characters, 50
 * custom fields of 1000 characters), planned and sent as a real mailing; the largest message body
 * and `SendMessageBatch` request the planner sent to the send queue are what the counter saw.
 *
 * The send message (shared/use-cases/planning.ts `SendMessage`) carries only the mailing id and the
 * chunk id: the sender reads recipients and merge data from DynamoDB. So the worst case does not
 * grow with addresses or merge data; for comparison, the size a message would have if it carried
 * them is computed from the same contacts.
 */
import type { Api } from '../lib/api.ts';
import { expectStatus } from '../lib/api.ts';
import type { BenchStack, Consumers } from '../lib/local-stack.ts';
import type { Progress } from '../lib/progress.ts';
import { total } from '../lib/sdk-counter.ts';
import { type MailingRun, runMailing } from './mailing.ts';

export interface MessageSizeFigures {
  recipients: number;
  addressLength: number;
  maxMessageBytes: number;
  maxBatchRequestBytes: number;
  /** The largest SendBulkEmail request (50 rendered messages), for information. */
  maxSesRequestBytes: number;
  /** A message of 50 recipients carrying addresses and merge data instead of ids. */
  withDataBytes: number;
  run: Pick<MailingRun, 'e2eSeconds' | 'accepted' | 'mailing'>;
}

/** A 254-character address, unique by `i`: 64-character local part, 189-character domain. */
export const longAddress = (i: number): string => {
  const local = `w${String(i).padStart(4, '0')}`.padEnd(64, 'x');
  const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;
  return `${local}@${domain}`;
};

const fullContact = (i: number, typeId: string) => ({
  email: longAddress(i),
  firstName: `F${i}`.padEnd(100, 'f'),
  lastName: `L${i}`.padEnd(100, 'l'),
  locale: 'en',
  fields: Object.fromEntries(
    Array.from({ length: 50 }, (_, k) => [`field${String(k).padStart(2, '0')}`, `${k}:`.padEnd(1000, 'v')]),
  ),
  consent: { status: 'granted', legalBasis: 'consent' },
  subscriptions: { [typeId]: 'subscribed' },
});

export const runMessageSize = async (
  stack: BenchStack,
  api: Api,
  consumers: Consumers[],
  queues: readonly string[],
  progress: Progress,
): Promise<MessageSizeFigures> => {
  const recipients = 50;
  const type = expectStatus(
    await api<{ id: string }>('POST', '/subscription-types', {
      name: 'Worst case: long addresses, full merge data',
    }),
    201,
    'POST /subscription-types',
  );
  const contacts = Array.from({ length: recipients }, (_, i) => fullContact(i, type.id));
  // About 53 KB each: ten per request stays under the API's 1 MB body limit.
  for (let i = 0; i < contacts.length; i += 10)
    expectStatus(
      await api('POST', '/contacts/batch', { contacts: contacts.slice(i, i + 10) }),
      200,
      'POST /contacts/batch',
    );
  const list = expectStatus(
    await api<{ id: string }>('POST', '/lists', { name: 'worst case', criteria: { subscribedTo: type.id } }),
    201,
    'POST /lists',
  );
  const run = await runMailing({
    stack,
    api,
    consumers,
    queues,
    typeId: type.id,
    listId: list.id,
    recipients,
    label: 'worst-case message',
    progress,
  });
  const planned = total(run.counts, (k) => k.origin === 'plan' && k.service === 'sqs' && k.target === 'send');
  const ses = total(run.counts, (k) => k.service === 'ses');
  const withData = JSON.stringify({
    m: run.mailingId,
    r: contacts.map((c, i) => ({
      c: `contact-${i}`.padEnd(26, '0'),
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      locale: c.locale,
      fields: c.fields,
    })),
  });
  return {
    recipients,
    addressLength: longAddress(0).length,
    maxMessageBytes: planned.maxMessageBytes,
    maxBatchRequestBytes: planned.maxRequestBytes,
    maxSesRequestBytes: ses.maxRequestBytes,
    withDataBytes: Buffer.byteLength(withData),
    run: { e2eSeconds: run.e2eSeconds, accepted: run.accepted, mailing: run.mailing },
  };
};
