/**
 * Outgoing webhook requests, guarded against SSRF. The receiver's name is resolved by our own
 * lookup, which hands the socket only addresses the policy allows (shared/domain/webhooks.ts
 * `addressAllowed`): the address checked is the address connected to, so a name that resolves to a
 * public address at the check and a private one at the connection (DNS rebinding) cannot slip
 * through, and a name with any disallowed address is refused whole. Redirects are not followed (a
 * 3xx is an answer like any other non-2xx), the whole attempt is bounded by a timeout, and at most
 * a small part of the answer is read: a receiver that never answers, or answers 5 MB, costs one
 * attempt's time and a few kilobytes.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import * as z from '#shared/schema/z.ts';
import { loadConfig } from '#shared/config/env.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { classifyAddress, isIpLiteral } from '#shared/domain/network-address.ts';
import type { AttemptResult } from '#shared/domain/webhook-delivery.ts';
import { addressAllowed, type ReceiverPolicy } from '#shared/domain/webhooks.ts';

/**
 * What receivers the deployment allows. `WEBHOOK_ALLOW_LOCAL_RECEIVERS=true` (http and loopback
 * addresses) is set by the local stack for itself; a deployment never sets it.
 */
export const receiverPolicy = (): ReceiverPolicy => ({
  allowLocal:
    loadConfig({ WEBHOOK_ALLOW_LOCAL_RECEIVERS: z.optional(z.enum(['true', 'false'])) })
      .WEBHOOK_ALLOW_LOCAL_RECEIVERS === 'true',
});

const userAgent = 'SubscriptionCenter-Webhooks/1';

/** A name's addresses could not be used: none, or some that the policy refuses. */
class BlockedError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const resolveAll = (host: string, timeoutMs: number): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BlockedError('unresolvable', 'DNS lookup timed out')),
      timeoutMs,
    );
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error || !addresses.length)
        reject(
          new BlockedError('unresolvable', `The name does not resolve (${error?.code ?? 'no address'})`),
        );
      else resolve(addresses);
    });
  });

/** Every address of the host, or BlockedError when any of them (or the name itself) is refused. */
const allowedAddresses = async (host: string, policy: ReceiverPolicy): Promise<LookupAddress[]> => {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIpLiteral(bare)
    ? [{ address: bare, family: bare.includes(':') ? 6 : 4 }]
    : await resolveAll(bare, 5000);
  const refused = addresses.find((a) => !addressAllowed(a.address, policy));
  if (refused)
    throw new BlockedError(
      'address_not_allowed',
      `The host resolves to an address that is ${classifyAddress(refused.address)}, not public`,
    );
  return addresses;
};

/**
 * Registration's check of a receiver's host: it resolves, and to allowed addresses only
 * (422 `unresolvable` / `address_not_allowed` otherwise). Delivery checks again at every connection.
 */
export const checkReceiverHost = async (url: URL, policy: ReceiverPolicy): Promise<void> => {
  try {
    await allowedAddresses(url.hostname, policy);
  } catch (error) {
    if (!(error instanceof BlockedError)) throw error;
    throw new ValidationError('The webhook URL is not allowed', [
      { path: 'body.url', code: error.code, message: error.message },
    ]);
  }
};

/** The socket's lookup: only the checked addresses, whatever form Node asks for. */
const guardedLookup =
  (policy: ReceiverPolicy): LookupFunction =>
  (hostname, options, callback) => {
    allowedAddresses(hostname, policy).then(
      (addresses) => {
        const family = typeof options === 'object' ? options.family : undefined;
        const usable = addresses.filter((a) => !family || family === a.family || family === 0);
        if (typeof options === 'object' && options.all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
          return;
        }
        const first = usable[0];
        if (!first) callback(new BlockedError('unresolvable', 'No address of that family'), '', 0);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };

export interface PostOptions {
  policy: ReceiverPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * POSTs `body` with `headers` to `url` once. Never throws for what the receiver does: the outcome
 * is an AttemptResult (an answer's status, a timeout, a network error, or a refused address).
 */
export const postWebhook = async (
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<AttemptResult> => {
  const started = Date.now();
  const ms = () => Date.now() - started;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address never reaches the lookup: judge it here.
  if (isIpLiteral(host) && !addressAllowed(host, options.policy))
    return { kind: 'blocked', error: classifyAddress(host) };
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    /** The answer's status, once its head has arrived: then the attempt has its outcome. */
    let answered: number | undefined;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'user-agent': userAgent,
          'content-length': String(Buffer.byteLength(body)),
        },
        agent: false,
        lookup: guardedLookup(options.policy),
      },
      (response: IncomingMessage) => {
        const statusCode = response.statusCode ?? 0;
        answered = statusCode;
        let read = 0;
        // The answer's body says nothing we keep: read a little of it (so a small answer ends the
        // exchange cleanly), and stop there.
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= options.maxResponseBytes) finish({ kind: 'response', statusCode, ms: ms() });
        });
        response.on('end', () => finish({ kind: 'response', statusCode, ms: ms() }));
        response.on('error', () => finish({ kind: 'response', statusCode, ms: ms() }));
      },
    );
    // A receiver that answered but is slow to finish its body has answered all the same.
    const timer = setTimeout(
      () =>
        finish(
          answered === undefined
            ? { kind: 'timeout', ms: ms() }
            : { kind: 'response', statusCode: answered, ms: ms() },
        ),
      options.timeoutMs,
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof BlockedError) finish({ kind: 'blocked', error: error.code });
      else finish({ kind: 'network', error: error.code ?? error.name, ms: ms() });
    });
    request.end(body);
  });
};
