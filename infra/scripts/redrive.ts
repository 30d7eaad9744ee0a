/**
 * Moves the messages of a queue's dead-letter queue back to the queue (each is sent before it is
 * deleted; the consumers' idempotence absorbs a copy). For a mailing, `POST /mailings/{id}/resume`
 * does the same from the chunks themselves; this brings back everything of a queue at once.
 *
 *   SEND_QUEUE_URL=<SendQueueUrl> SEND_QUEUE_DLQ_URL=<SendQueueDlqUrl> npm run redrive -- send
 *   npm run redrive -- send --endpoint http://127.0.0.1:<port>     the local stack (npm start prints it)
 *
 * Queues: those of infra/queues.ts (plan, send, mail, feedback, imports, exports, webhooks). In AWS
 * the URLs are the service stack's outputs (their descriptions name the env vars); uses your AWS
 * credentials.
 */
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { dlqEnvVarOf } from '#infra/env-vars.ts';
import { localQueueName } from '#infra/local/bootstrap.ts';
import { type QueueName, queues } from '#infra/queues.ts';
import { redrive } from '#shared/adapters/sqs/redrive.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { endpoint: { type: 'string' } },
});
const name = positionals[0] as QueueName | undefined;
if (!name || !(name in queues)) {
  process.stderr.write(`Usage: npm run redrive -- <${Object.keys(queues).join('|')}> [--endpoint URL]\n`);
  process.exit(2);
}
const definition = queues[name];
const sqs = values.endpoint
  ? new SQSClient({
      endpoint: values.endpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    })
  : new SQSClient({});

const urlOf = async (queueName: string) =>
  (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl as string;
const dlqEnv = dlqEnvVarOf(definition.envVar);
const [queueUrl, dlqUrl] = values.endpoint
  ? [await urlOf(localQueueName(name)), await urlOf(`${localQueueName(name)}-dlq`)]
  : [process.env[definition.envVar], process.env[dlqEnv]];
if (!queueUrl || !dlqUrl) {
  process.stderr.write(
    `Set ${definition.envVar} and ${dlqEnv} (the service stack's outputs), or --endpoint\n`,
  );
  process.exit(2);
}
const moved = await redrive(sqs, dlqUrl, queueUrl);
process.stdout.write(`${moved} message(s) moved from the ${name} queue's DLQ back to the queue\n`);
