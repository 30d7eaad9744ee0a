/**
 * How many receives each queue gives a message before SQS moves it to the queue's DLQ. Apart from
 * the queue definitions (infra/queues.ts reads them from here) so that a worker, which must know
 * when a failing receive is its message's last, carries these numbers in its bundle and not the
 * whole definitions.
 */
export const maxReceiveCounts = {
  plan: 5,
  send: 5,
  mail: 5,
  feedback: 3,
  imports: 5,
  exports: 5,
  webhooks: 5,
} as const;
