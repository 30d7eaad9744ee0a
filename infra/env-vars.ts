/**
 * The environment variables that carry each table's name and each queue's URL to the functions:
 * the contract between infra (which sets them) and the adapters (which read them). Apart from
 * the table and queue definitions so that a function's bundle holds these names, not the whole
 * definitions.
 */
export const tableEnvVars = {
  contacts: 'CONTACTS_TABLE',
  app: 'APP_TABLE',
  recipients: 'RECIPIENTS_TABLE',
} as const;

export const queueEnvVars = {
  plan: 'PLAN_QUEUE_URL',
  send: 'SEND_QUEUE_URL',
  mail: 'MAIL_QUEUE_URL',
  feedback: 'FEEDBACK_QUEUE_URL',
  imports: 'IMPORTS_QUEUE_URL',
  exports: 'EXPORTS_QUEUE_URL',
  webhooks: 'WEBHOOK_QUEUE_URL',
} as const;

/** The dead-letter queues a consumer sends to itself (what it gave up on), by queue. */
export const deadLetterEnvVars = {
  webhooks: 'WEBHOOK_DLQ_URL',
} as const;

/**
 * The env var naming the DLQ URL of the queue whose URL is in `queueEnvVar`, for the stack's
 * outputs and `npm run redrive`: the one in {@link deadLetterEnvVars} when its consumer has one,
 * else `<QUEUE>_DLQ_URL`.
 */
export const dlqEnvVarOf = (queueEnvVar: string): string => {
  const queue = Object.keys(queueEnvVars).find(
    (name) => queueEnvVars[name as keyof typeof queueEnvVars] === queueEnvVar,
  );
  return (
    (deadLetterEnvVars as Partial<Record<string, string>>)[queue ?? ''] ??
    queueEnvVar.replace(/_URL$/, '_DLQ_URL')
  );
};
