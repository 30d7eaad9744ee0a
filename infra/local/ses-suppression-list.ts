/**
 * SES's account-level suppression list, locally: aws-ses-v2-local has none of its operations, so the
 * guard in front of it (./emulators.ts) answers them here, in SES v2's REST-JSON wire format, for the
 * same SDK client the functions use in AWS:
 *
 *   PUT    /v2/email/suppression/addresses               PutSuppressedDestination {EmailAddress, Reason}
 *   GET    /v2/email/suppression/addresses/{address}     GetSuppressedDestination (404 NotFoundException)
 *   DELETE /v2/email/suppression/addresses/{address}     DeleteSuppressedDestination (404 NotFoundException)
 *   GET    /v2/email/suppression/addresses?PageSize=&NextToken=&Reason=   ListSuppressedDestinations
 *
 * And what SES does with it when sending: a message to a listed address is accepted (it has a
 * message id and counts as sent) but not delivered, and SES publishes a Bounce of subtype
 * `OnAccountSuppressionList` for it (./ses-simulator.ts builds that event).
 *
 * Addresses compare case-insensitively, as SES does. With a file, the list survives a restart of
 * `npm start` (as SES's does); otherwise it lives in memory.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const suppressionPath = '/v2/email/suppression/addresses';
const reasons = new Set(['BOUNCE', 'COMPLAINT']);

interface Entry {
  EmailAddress: string;
  Reason: 'BOUNCE' | 'COMPLAINT';
  /** Epoch seconds, as REST-JSON writes timestamps. */
  LastUpdateTime: number;
}

/** An answer in SES's wire format: a JSON body, errors named by `x-amzn-errortype`. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, body: unknown): WireAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const error = (status: number, type: string, message: string): WireAnswer => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: JSON.stringify({ message }),
});

export class LocalSuppressionList {
  private readonly entries = new Map<string, Entry>();
  private readonly file: string | undefined;

  constructor(file?: string) {
    this.file = file;
    if (file && existsSync(file)) {
      for (const entry of JSON.parse(readFileSync(file, 'utf8')) as Entry[])
        this.entries.set(entry.EmailAddress.toLowerCase(), entry);
    }
  }

  /** Whether SES would refuse to deliver to the address. */
  has(address: string): boolean {
    return this.entries.has(address.trim().toLowerCase());
  }

  private save() {
    if (this.file) writeFileSync(this.file, JSON.stringify([...this.entries.values()]), { mode: 0o600 });
  }

  /** Answers a request under {@link suppressionPath}, or undefined when it is not one. */
  handle(method: string, url: string, body: Buffer): WireAnswer | undefined {
    const parsed = new URL(url, 'http://local');
    if (!parsed.pathname.startsWith(suppressionPath)) return undefined;
    const rest = parsed.pathname.slice(suppressionPath.length);
    if (rest === '' && method === 'PUT') return this.put(body);
    if (rest === '' && method === 'GET') return this.list(parsed.searchParams);
    if (!rest.startsWith('/') || rest.length < 2) return undefined;
    let address: string;
    try {
      address = decodeURIComponent(rest.slice(1));
    } catch {
      return error(400, 'BadRequestException', 'Invalid email address');
    }
    const key = address.trim().toLowerCase();
    if (method === 'GET') {
      const entry = this.entries.get(key);
      return entry
        ? json(200, { SuppressedDestination: { ...entry, Attributes: {} } })
        : error(
            404,
            'NotFoundException',
            `Email address ${address} does not exist on your suppression list.`,
          );
    }
    if (method === 'DELETE') {
      if (!this.entries.delete(key))
        return error(
          404,
          'NotFoundException',
          `Email address ${address} does not exist on your suppression list.`,
        );
      this.save();
      return json(200, {});
    }
    return undefined;
  }

  private put(body: Buffer): WireAnswer {
    let input: { EmailAddress?: unknown; Reason?: unknown };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'BadRequestException', 'Request body is not JSON');
    }
    if (typeof input.EmailAddress !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(input.EmailAddress.trim()))
      return error(400, 'BadRequestException', 'EmailAddress: a valid email address is required');
    if (typeof input.Reason !== 'string' || !reasons.has(input.Reason))
      return error(400, 'BadRequestException', 'Reason: must be BOUNCE or COMPLAINT');
    const address = input.EmailAddress.trim();
    this.entries.set(address.toLowerCase(), {
      EmailAddress: address,
      Reason: input.Reason as Entry['Reason'],
      LastUpdateTime: Math.floor(Date.now() / 1000),
    });
    this.save();
    return json(200, {});
  }

  private list(query: URLSearchParams): WireAnswer {
    const size = Math.min(1000, Math.max(1, Number(query.get('PageSize') ?? 100) || 100));
    const wanted = query.getAll('Reason');
    const all = [...this.entries.values()]
      .filter((e) => !wanted.length || wanted.includes(e.Reason))
      .sort((a, b) => a.EmailAddress.localeCompare(b.EmailAddress));
    const start = Number(query.get('NextToken') ?? 0) || 0;
    const page = all.slice(start, start + size);
    return json(200, {
      SuppressedDestinationSummaries: page,
      ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
    });
  }
}
