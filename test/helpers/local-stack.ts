/**
 * Starts an in-memory local stack for one test file (about a second) and tears it down after.
 * Every request goes over HTTP through the local gateway to the real handlers.
 */
import { afterAll, beforeAll } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#infra/local/stack.ts';
import { type ContractChecker, contractChecker } from './contract.ts';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RecipientRow {
  contactId: string;
  email: string | null;
  verdict: string;
  reason: string;
  status: string;
  detail?: string;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is, without JSON encoding. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export const useLocalStack = (options: LocalStackOptions = {}) => {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    // A high SES rate unless a test is about pacing: tests should not wait on the rate limiter.
    stack = await startLocalStack({ pollWaitSeconds: 0, sesRatePerSecond: 10_000, ...options });
  }, 30_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const current = (): LocalStack => {
    if (!stack) throw new Error('local stack not started');
    return stack;
  };

  // Every answer is checked against the document the stack serves.
  let contract: Promise<ContractChecker> | undefined;
  const served = () => {
    contract ??= fetch(`${current().apiUrl}/openapi.json`)
      .then((res) => res.json())
      .then((doc) => contractChecker(doc as Parameters<typeof contractChecker>[0]));
    return contract;
  };

  /**
   * Calls the API; `key` defaults to the admin key, `null` sends none. Throws when the answer does
   * not match the OpenAPI document (undocumented status, or a body off its schema).
   */
  const request = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const s = current();
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? s.adminKey : options.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(s.apiUrl + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
    const problems = (await served()).check({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: parsed,
    });
    if (problems.length) throw new Error(`The answer breaks the OpenAPI document:\n${problems.join('\n')}`);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  /** Creates an API key with this role and returns the secret. */
  const createKey = async (role: 'admin' | 'marketer', name = `${role} key`): Promise<string> => {
    const res = await request<{ key: string }>('POST', '/api-keys', { body: { name, role } });
    if (res.status !== 201) throw new Error(`could not create key: ${res.status} ${res.text}`);
    return res.body.key;
  };

  /** Every row of a mailing's recipient report, following the cursor page by page. */
  const recipientRows = async (
    mailingId: string,
    options: { query?: string; key?: string; limit?: number } = {},
  ): Promise<RecipientRow[]> => {
    const rows: RecipientRow[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<{ items: RecipientRow[]; nextCursor: string | null }> = await request(
        'GET',
        `/mailings/${mailingId}/recipients?limit=${options.limit ?? 100}${options.query ?? ''}${cursor ? `&cursor=${cursor}` : ''}`,
        options.key ? { key: options.key } : {},
      );
      if (page.status !== 200) throw new Error(`recipient report: ${page.status} ${page.text}`);
      rows.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return rows;
  };

  return { stack: current, request, createKey, recipientRows };
};
