/**
 * SES inbound, locally: what the receipt rule of infra/constructs/inbound-mail.ts does in AWS.
 * An SMTP server (the `smtp-server` package) on SMTP_PORT that
 * - accepts mail for the unsubscribe address only: any other recipient is refused at RCPT time
 *   (550), as SES refuses a recipient no receipt rule matches;
 * - stores each message, raw, in the local S3 at `<objectKeyPrefix><message id>` (the S3 action)
 *   before it answers 250, so an accepted message is never lost (a failed store answers 451 and the
 *   sending server tries again);
 * - then invokes the handler asynchronously with SES's receipt event for a Lambda action (the
 *   Lambda action, invocation type Event): headers, common headers, recipients and verdicts, no
 *   body. A failed invocation is retried twice, as Lambda retries an asynchronous one (after 1 and 2
 *   seconds here rather than Lambda's minutes).
 *
 * SES checks SPF, DKIM and DMARC and scans for spam and viruses; nothing here can (no DNS), so every
 * verdict is `GRAY`, SES's "could not tell".
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { logger } from '#shared/observability/logger.ts';
import { PortInUseError } from './emulators.ts';

export interface InboundSmtpOptions {
  port: number;
  /** The one address mail is accepted for. */
  address: string;
  /** Largest message accepted (SES: 40 MB). */
  maxBytes?: number;
  /** Stores the raw message under the key (the receipt rule's S3 action). */
  store: (key: string, raw: Buffer) => Promise<void>;
  objectKeyPrefix: string;
  /** The handler, invoked as Lambda would, with SES's event. */
  handler: (event: unknown, context: Context) => Promise<unknown>;
  context: () => Context;
  /** Delays before each retry of a failed invocation. */
  retryDelaysMs?: readonly number[];
}

export interface InboundSmtp {
  port: number;
  /** Waits until every invocation started so far (and its retries) has ended. */
  idle: () => Promise<void>;
  stop: () => Promise<void>;
}

/** SES's inbound message ids: 40 lower-case letters and digits. */
const sesInboundId = () =>
  Array.from(randomBytes(40), (byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('');

const gray = { status: 'GRAY' };

const readAll = async (stream: SMTPServerDataStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/** SES's receipt event for one message, from its raw bytes and envelope. */
export const receiptEvent = async (
  raw: Buffer,
  envelope: { messageId: string; mailFrom: string; recipients: string[]; at: Date; functionName: string },
) => {
  const end = raw.indexOf('\r\n\r\n');
  const block = end === -1 ? raw : raw.subarray(0, end + 2);
  // Only the headers: SES puts them in the event and leaves the body in S3.
  const parsed = await simpleParser(Buffer.concat([block, Buffer.from('\r\n')]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
  }).catch(() => undefined);
  const headers = (parsed?.headerLines ?? []).map(({ line }) => {
    const colon = line.indexOf(':');
    return {
      name: line.slice(0, Math.max(colon, 0)),
      value: line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    };
  });
  const values = (name: string) => headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const timestamp = envelope.at.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: envelope.mailFrom,
            messageId: envelope.messageId,
            destination: envelope.recipients,
            headersTruncated: false,
            headers,
            commonHeaders: {
              returnPath: envelope.mailFrom,
              from: values('from'),
              ...(values('date')[0] ? { date: values('date')[0] } : {}),
              to: values('to'),
              ...(values('message-id')[0] ? { messageId: values('message-id')[0] } : {}),
              subject: values('subject')[0] ?? '',
            },
          },
          receipt: {
            timestamp,
            processingTimeMillis: Date.now() - envelope.at.getTime(),
            recipients: envelope.recipients,
            spamVerdict: gray,
            virusVerdict: gray,
            spfVerdict: gray,
            dkimVerdict: gray,
            dmarcVerdict: gray,
            action: {
              type: 'Lambda',
              functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${envelope.functionName}`,
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
};

export const startInboundSmtp = async (options: InboundSmtpOptions): Promise<InboundSmtp> => {
  const own = options.address.toLowerCase();
  const maxBytes = options.maxBytes ?? 40 * 1024 * 1024;
  const delays = options.retryDelaysMs ?? [1000, 2000];
  const running = new Set<Promise<void>>();

  const invoke = async (event: unknown, messageId: string) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.handler(event, options.context());
        return;
      } catch (error) {
        const delay = delays[attempt];
        logger.warn('local SES inbound: the handler failed', {
          messageId,
          attempt: attempt + 1,
          retry: delay !== undefined,
          error: (error as Error)?.message,
        });
        if (delay === undefined) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  const server = new SMTPServer({
    name: 'localhost',
    banner: 'Subscription Center local SES inbound',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.trim().toLowerCase() === own) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: no mailbox here`));
    },
    onData(stream, session, callback) {
      readAll(stream).then(
        async (raw) => {
          if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big'));
          const messageId = sesInboundId();
          try {
            await options.store(`${options.objectKeyPrefix}${messageId}`, raw);
          } catch (error) {
            logger.error('local SES inbound: could not store a message', {
              error: (error as Error)?.message,
            });
            return callback(smtpError(451, '4.3.0 Try again later'));
          }
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const event = await receiptEvent(raw, {
            messageId,
            mailFrom,
            recipients: session.envelope.rcptTo.map((r) => r.address),
            at: new Date(),
            functionName: 'InboundMail',
          });
          callback(null, `Ok: queued as ${messageId}`);
          const invocation: Promise<void> = invoke(event, messageId).finally(() =>
            running.delete(invocation),
          );
          running.add(invocation);
        },
        (error: unknown) => callback(smtpError(451, `4.3.0 ${(error as Error)?.message ?? 'error'}`)),
      );
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error);
    });
    server.listen(options.port, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });

  return {
    port,
    idle: async () => {
      while (running.size) await Promise.all(running);
    },
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      while (running.size) await Promise.all(running);
    },
  };
};
