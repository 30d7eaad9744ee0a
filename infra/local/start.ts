/**
 * `npm start`: the whole stack on localhost with demo data. See docs/api.md, "Local stack", for the
 * variables: PORT, SES_PORT, SMTP_PORT, UNSUBSCRIBE_ADDRESS, LOCAL_ADMIN_API_KEY, DATA_DIR, SEED_DEMO, …
 */
import * as z from '#shared/schema/z.ts';
import { loadConfig, mailboxAddress } from '#shared/config/env.ts';
import { PortInUseError, startLocalStack } from './stack.ts';

const started = performance.now();
const port = () => z.coercedNumber().check(z.int(), z.minimum(0), z.maximum(65535));
const env = loadConfig({
  PORT: z._default(port(), 3000),
  SES_PORT: z._default(port(), 8005),
  SMTP_PORT: z._default(port(), 2525),
  UNSUBSCRIBE_ADDRESS: z._default(mailboxAddress, 'unsubscribe@localhost'),
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  LOCAL_ADMIN_API_KEY: z.optional(z.string().check(z.minLength(20), z.maxLength(200))),
  SEED_DEMO: z._default(z.enum(['true', 'false']), 'true'),
});

const out = (line = '') => process.stdout.write(`${line}\n`);

try {
  const stack = await startLocalStack({
    port: env.PORT,
    sesPort: env.SES_PORT,
    smtpPort: env.SMTP_PORT,
    unsubscribeAddress: env.UNSUBSCRIBE_ADDRESS,
    dataDir: env.DATA_DIR,
    adminKey: env.LOCAL_ADMIN_API_KEY,
    seedDemo: env.SEED_DEMO === 'true',
    ttlSweepMs: 30_000,
  });
  const ms = Math.round(performance.now() - started);
  out(`Subscription Center is running (started in ${ms} ms)`);
  out();
  const line = (label: string, value: string) => out(`  ${label.padEnd(17)}${value}`);
  line('API', `${stack.apiUrl}   (try ${stack.apiUrl}/health)`);
  line('Console', `${stack.apiUrl}/console   (sign in with the admin API key below)`);
  line('OpenAPI', `${stack.apiUrl}/openapi.json`);
  line('SES inbox', `${stack.sesUrl}   (sent mail as JSON: ${stack.sesUrl}/store)`);
  line(
    'Unsubscribe SMTP',
    `smtp://localhost:${stack.smtpPort}   (mail to ${stack.unsubscribeAddress} only: every List-Unsubscribe mailto)`,
  );
  line('Local S3', `${stack.s3Url}   (inbound mail in bucket ${stack.bucketNames.inboundMail})`);
  line('Admin API key', stack.adminKey);
  line('SQS', `${new URL(stack.queueUrls.send.url).origin}   (npm run redrive -- send --endpoint …)`);
  if (stack.seeded?.preferenceUrl) line('Preference page', stack.seeded.preferenceUrl);
  line('Data', `${env.DATA_DIR} (delete it to start empty)`);
  out();
  out('Press Ctrl-C to stop.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    out('\nStopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof PortInUseError) {
    const variable =
      error.port === env.SES_PORT ? 'SES_PORT' : error.port === env.SMTP_PORT ? 'SMTP_PORT' : 'PORT';
    process.stderr.write(
      `Port ${error.port} is already in use: set ${variable} to a free port (e.g. ${variable}=${error.port + 1} npm start)\n`,
    );
  } else if (
    (error as { code?: string }).code === 'LEVEL_LOCKED' ||
    /lock/i.test(String((error as Error).message))
  ) {
    process.stderr.write(
      `The database in ${env.DATA_DIR} is in use by another process: stop it or set DATA_DIR\n`,
    );
  } else {
    process.stderr.write(`Could not start: ${(error as Error).message}\n`);
  }
  process.exit(1);
}
