/**
 * CSV imports end to end on the local stack: a job from POST /imports, the upload (in the body or
 * through the presigned URL), the local S3's event to the worker, the consent-safe merge, the
 * counts and problems of GET /imports/{id}, and the results file.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey } = useLocalStack();

interface Job {
  id: string;
  status: string;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  errors: Array<{ line: number; column: string | null; code: string; message: string }>;
  skips: Array<{ line: number; column: string | null; code: string; message: string }>;
  error: { code: string; message: string } | null;
  resultsUrl: string | null;
  upload?: { url: string; method: string };
}

let marketer: string;
let newsletter: string;

beforeAll(async () => {
  marketer = await createKey('marketer');
  const type = await request<{ id: string }>('POST', '/subscription-types', {
    key: marketer,
    body: { name: 'Monthly newsletter' },
  });
  newsletter = type.body.id;
});

const finished = async (id: string): Promise<Job> =>
  eventually(async (): Promise<Job | false> => {
    const res = await request<Job>('GET', `/imports/${id}`, { key: marketer });
    expect(res.status).toBe(200);
    if (res.body.status !== 'done' && res.body.status !== 'failed') return false;
    return res.body;
  }, 30_000);

const start = async (body: Record<string, unknown>) => {
  const res = await request<Job>('POST', '/imports', { key: marketer, body: { format: 'csv', ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

describe('a CSV import', () => {
  it('imports a small file given in the body', async () => {
    const csv =
      'email,first_name,Monthly newsletter,consent,consent_source\r\nada@imp.example,Ada,yes,granted,form\r\nbob@imp.example,Bob,,,\r\n';
    const job = await start({ csv });
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'done', total: 2, processed: 2, created: 2, failed: 0 });
    const ada = await request<{
      items: Array<{ subscriptions: Record<string, { status: string }>; consent: { status: string } }>;
    }>('GET', '/contacts?email=ada@imp.example', { key: marketer });
    expect(ada.body.items[0]?.subscriptions[newsletter]?.status).toBe('subscribed');
    expect(ada.body.items[0]?.consent.status).toBe('granted');
  });

  it('imports through the upload URL', async () => {
    const job = await start({ dryRun: false });
    expect(job.status).toBe('uploading');
    const url = job.upload?.url as string;
    const put = await fetch(url, {
      method: 'PUT',
      body: 'E-mail;Förnamn\nsemi@imp.example;Åsa\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(put.status, await put.text()).toBe(200);
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'done', created: 1 });
  });
});
