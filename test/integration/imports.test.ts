/**
 * CSV imports end to end on the local stack: POST /imports, the upload (in the body or through the
 * presigned URL), the local S3's event to the worker, the consent-safe merge, GET /imports/{id}
 * and the results file — read back with an independent CSV parser.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey } = useLocalStack();

interface Problem {
  line: number;
  column: string | null;
  code: string;
  message: string;
}
interface Job {
  id: string;
  status: string;
  dryRun: boolean;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  errors: Problem[];
  skips: Problem[];
  ignoredColumns: string[];
  error: Problem | null;
  resultsUrl: string | null;
  confirmationsQueued: number;
  upload?: { url: string; method: string; maxBytes: number };
}
interface Contact {
  id: string;
  firstName: string | null;
  consent: { status: string; source: string | null };
  subscriptions: Record<string, { status: string; source: string }>;
}

let marketer: string;
let newsletter: string;
let events: string;

beforeAll(async () => {
  marketer = await createKey('marketer');
  const type = async (body: Record<string, unknown>) =>
    (await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body })).body.id;
  newsletter = await type({ name: 'Monthly newsletter' });
  events = await type({ name: 'Event invitations', doubleOptIn: true });
});

const finished = async (id: string): Promise<Job> =>
  (await eventually(async (): Promise<Job | false> => {
    const res = await request<Job>('GET', `/imports/${id}`, { key: marketer });
    expect(res.status).toBe(200);
    return res.body.status === 'done' || res.body.status === 'failed' ? res.body : false;
  }, 60_000)) as Job;

const start = async (body: Record<string, unknown>) => {
  const res = await request<Job>('POST', '/imports', { key: marketer, body: { format: 'csv', ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

const upload = async (body: Record<string, unknown>, file: string | Buffer) => {
  const job = await start(body);
  expect(job).toMatchObject({ status: 'uploading', upload: { method: 'PUT' } });
  const put = await fetch(job.upload?.url as string, { method: 'PUT', body: file });
  expect(put.status).toBe(200);
  return finished(job.id);
};

const find = async (email: string): Promise<Contact | undefined> =>
  (
    await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`, {
      key: marketer,
    })
  ).body.items[0];

const history = async (id: string) =>
  (await request<{ items: unknown[] }>('GET', `/contacts/${id}/history?limit=100`, { key: marketer })).body
    .items;

describe('a CSV import', () => {
  it('imports a small file given in the body, by header, with consent and a subscription', async () => {
    const csv =
      'email,first_name,Monthly newsletter,consent,consent_source\r\nada@imp.example,Ada,yes,granted,form\r\nbob@imp.example,Bob,,,\r\n';
    const done = await finished((await start({ csv })).id);
    expect(done).toMatchObject({ status: 'done', total: 2, processed: 2, created: 2, failed: 0, skipped: 0 });
    const ada = await find('ada@imp.example');
    expect(ada?.subscriptions[newsletter]).toMatchObject({ status: 'subscribed', source: 'import' });
    expect(ada?.consent).toMatchObject({ status: 'granted', source: 'form' });
    // The history is there (kept in the contact item until its next change).
    expect(await history(ada?.id as string)).toHaveLength(3);
    expect((await find('bob@imp.example'))?.consent.status).toBe('none');
  });

  it('takes a file through the upload URL: semicolons, a BOM, a mapping, names with accents', async () => {
    const file = Buffer.from('\uFEFFE-post;Förnamn;Nyhetsbrev\r\nasa@imp.example;Åsa;ja\r\n', 'utf8');
    const done = await upload(
      { columns: { 'E-post': 'email', Förnamn: 'firstName', Nyhetsbrev: `subscriptions.${newsletter}` } },
      file,
    );
    expect(done).toMatchObject({ status: 'done', created: 1 });
    const asa = await find('asa@imp.example');
    expect(asa?.firstName).toBe('Åsa');
    expect(asa?.subscriptions[newsletter]?.status).toBe('subscribed');
  });

  it('queues the confirmations of double opt-in types, and leaves them pending', async () => {
    const done = await finished(
      (
        await start({
          csv: 'email\ndoi1@imp.example\ndoi2@imp.example\n',
          defaults: { subscriptions: { [events]: 'subscribed' } },
        })
      ).id,
    );
    expect(done).toMatchObject({ created: 2, confirmationsQueued: 2 });
    expect((await find('doi1@imp.example'))?.subscriptions[events]?.status).toBe('pending');
  });
});

describe('the consent-safe merge, end to end', () => {
  const rows = [
    'email,first_name,Monthly newsletter,consent,consent_source,consent_at',
    'keep@merge.example,Kim,yes,,,', // unsubscribed by one-click: skipped, own choice
    'api-unsub@merge.example,Al,yes,,,', // unsubscribed through the API: skipped, never re-subscribed
    'suppressed@merge.example,Sue,yes,granted,form,2025-01-01', // suppressed: skipped
    'new@merge.example,Nina,yes,granted,form,2025-01-01', // created
    'same@merge.example,Sam,yes,,,', // already subscribed: unchanged
    'named@merge.example,Other,,,,', // add mode keeps a stored name: unchanged
    'bad-address,Bad,yes,,,', // failed: invalid e-mail
    'formula@merge.example,"=HYPERLINK(""http://evil.example"",""x"")",yes,,,', // failed: formula
    'new@merge.example,Nina again,yes,,,', // failed: the address came earlier in the file
    `long@merge.example,${'x'.repeat(10_000)},yes,,,`, // failed: a 10,000-character cell
    'grant@merge.example,Gus,,granted,,', // failed: consent without its source
  ].join('\r\n');

  let keepId = '';
  beforeAll(async () => {
    const create = async (email: string, body: Record<string, unknown> = {}) =>
      (await request<{ id: string }>('POST', '/contacts', { key: marketer, body: { email, ...body } })).body
        .id;
    keepId = await create('keep@merge.example', {
      firstName: 'Kim',
      subscriptions: { [newsletter]: 'subscribed' },
    });
    // The person's own one-click unsubscribe (source one_click), as the hosted page records it.
    await request('PUT', `/contacts/${keepId}/subscriptions/${newsletter}`, {
      key: marketer,
      body: { status: 'unsubscribed', source: 'one_click' },
    });
    const apiUnsub = await create('api-unsub@merge.example', {
      subscriptions: { [newsletter]: 'unsubscribed' },
    });
    expect(apiUnsub).toBeTruthy();
    await create('same@merge.example', { firstName: 'Sam', subscriptions: { [newsletter]: 'subscribed' } });
    await create('named@merge.example', { firstName: 'Named' });
    const suppressed = await request('POST', '/suppressions', {
      body: { email: 'suppressed@merge.example', reason: 'manual' },
    });
    expect(suppressed.status).toBe(201);
  });

  it('a dry run predicts exactly what the real run then does, and no own opt-out changes', async () => {
    const keepBefore = await history(keepId);
    const dry = await finished((await start({ csv: rows, dryRun: true })).id);
    expect(await find('new@merge.example')).toBeUndefined();
    const real = await finished((await start({ csv: rows })).id);
    const shape = (job: Job) => ({
      total: job.total,
      processed: job.processed,
      created: job.created,
      updated: job.updated,
      unchanged: job.unchanged,
      skipped: job.skipped,
      failed: job.failed,
      errors: job.errors,
      skips: job.skips,
    });
    expect(shape(real)).toEqual(shape(dry));
    expect(real).toMatchObject({ total: 11, created: 1, unchanged: 2, skipped: 3, failed: 5 });
    expect(real.skips.map((s) => [s.line, s.code])).toEqual([
      [2, 'own_choice'],
      [3, 'unsubscribed'],
      [4, 'suppressed'],
    ]);
    expect(real.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [8, 'email', 'invalid_email'],
      [9, 'first_name', 'formula'],
      [10, 'email', 'duplicate'],
      [11, 'first_name', 'too_long'],
      [12, 'consent_source', 'consent_source_required'],
    ]);
    // The person's own unsubscribe is as it was, and nothing was recorded about them.
    const keep = await find('keep@merge.example');
    expect(keep?.subscriptions[newsletter]).toMatchObject({ status: 'unsubscribed', source: 'one_click' });
    expect(await history(keepId)).toEqual(keepBefore);
    expect((await find('api-unsub@merge.example'))?.subscriptions[newsletter]?.status).toBe('unsubscribed');
    expect(await find('suppressed@merge.example')).toBeUndefined();
    expect((await find('named@merge.example'))?.firstName).toBe('Named');

    // The results file: every failed and skipped row, as written, with why.
    const results = await fetch(real.resultsUrl as string);
    expect(results.headers.get('content-disposition')).toContain('attachment');
    const table = parse(await results.text(), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(table.map((r) => [r.email, r.result, r.error_code])).toEqual([
      ['keep@merge.example', 'skipped', 'own_choice'],
      ['api-unsub@merge.example', 'skipped', 'unsubscribed'],
      ['suppressed@merge.example', 'skipped', 'suppressed'],
      ['bad-address', 'failed', 'invalid_email'],
      ['formula@merge.example', 'failed', 'formula'],
      ['new@merge.example', 'failed', 'duplicate'],
      ['long@merge.example', 'failed', 'too_long'],
      ['grant@merge.example', 'failed', 'consent_source_required'],
    ]);
    // The formula is shown as text, never run.
    expect(table[4]?.first_name).toBe('\'=HYPERLINK("http://evil.example","x")');

    // The same file again: everyone is there already.
    const again = await finished((await start({ csv: rows })).id);
    expect(again).toMatchObject({ created: 0, unchanged: 3, skipped: 3, failed: 5 });
  });

  it('in update mode, replaces stated values and needs evidence for consent', async () => {
    const csv =
      'email,first_name,consent,consent_source,consent_at\nnamed@merge.example,Renamed,granted,form,\nsame@merge.example,Samuel,granted,form,2025-03-01\n';
    const done = await finished((await start({ csv, mode: 'update' })).id);
    expect(done).toMatchObject({ updated: 1, failed: 1 });
    expect(done.errors[0]).toMatchObject({ line: 2, code: 'consent_evidence_required' });
    expect(await find('same@merge.example')).toMatchObject({
      firstName: 'Samuel',
      consent: { status: 'granted', source: 'form' },
    });
    expect((await find('named@merge.example'))?.firstName).toBe('Named');
  });
});

describe('bad input', () => {
  it('answers 422 at once for a CSV in the body without an e-mail column, and stores nothing', async () => {
    const res = await request<{ error: { details: Array<{ code: string }> } }>('POST', '/imports', {
      key: marketer,
      body: { format: 'csv', csv: 'name,phone\nAda,123\n' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]?.code).toBe('missing_email_column');
  });

  it('fails an uploaded file without an e-mail column as a whole, writing nobody', async () => {
    const done = await upload({}, 'name,phone\nAda,123\n');
    expect(done).toMatchObject({ status: 'failed', processed: 0, error: { code: 'missing_email_column' } });
  });

  it('fails a workbook that is not CSV, saying how to save it', async () => {
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]);
    const done = await upload({}, xlsx);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'not_csv' } });
    expect(done.error?.message).toMatch(/CSV UTF-8/);
  });

  it('fails a file of 3 million rows before writing anyone', async () => {
    const file = Buffer.from(`email\n${'x@rows.example\n'.repeat(3_000_000)}`);
    const done = await upload({}, file);
    expect(done).toMatchObject({
      status: 'failed',
      processed: 0,
      created: 0,
      error: { code: 'too_many_rows' },
    });
    expect(await find('x@rows.example')).toBeUndefined();
  }, 120_000);

  it('fails a quote that is never closed with its row', async () => {
    const done = await upload({}, `email,name\nok@quote.example,"Ada\n${'more text\n'.repeat(8000)}`);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'record_too_large', line: 2 } });
    expect(await find('ok@quote.example')).toBeUndefined();
  });

  it('refuses defaults that name a type that does not exist, or grant consent without a source', async () => {
    const unknown = await request('POST', '/imports', {
      key: marketer,
      body: { format: 'csv', defaults: { subscriptions: { '01h00000000000000000000000': 'subscribed' } } },
    });
    expect(unknown.status).toBe(422);
    const sourceless = await request('POST', '/imports', {
      key: marketer,
      body: { format: 'csv', defaults: { consent: { status: 'granted' } } },
    });
    expect(sourceless.status).toBe(422);
  });

  it('answers 404 for an import that does not exist', async () => {
    expect((await request('GET', '/imports/01h00000000000000000000000', { key: marketer })).status).toBe(404);
  });
});
