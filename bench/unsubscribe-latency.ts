/**
 * Unsubscribe latency, in its own process with its own local stack (in memory, every consumer
 * running, as `npm start` runs them): how long from a person's unsubscribe — a one-click POST, a
 * mailto sent over SMTP, a preference-page save — to the moment the next SES call of a running,
 * paced mailing leaves that person out. Goal: before the next call, every time.
 *
 * How it is measured. A mailing to `recipients` contacts runs at SES_RATE_PER_SECOND=14 (SES's usual
 * starting rate): the sender hands a chunk of 50 to SES in calls of up to 14, taking its queued rows
 * in order, each call as soon as the rate has room for it, and checks every call's contacts right
 * before it (strongly consistent). The SES client is watched (an SDK middleware: each
 * SendBulkEmail's time, chunk and contacts). When a call of a chunk goes out, the chunk's queued
 * rows are read in order; the first 9 of them — whom the chunk's next call takes (or the one after,
 * when the rate gives it fewer than 9) — unsubscribe after a random wait of 0–500 ms, 3 by each
 * channel, and the time each request started is taken. The call that would have carried a person is
 * the chunk's first call after their request started that takes them or anyone queued after them:
 * they must be missing from it. The figure is the time from the request's start to that call.
 * Rounds (one per chunk at a time) go on until every channel has `samples` unsubscribes; then the
 * mailing is cancelled and its counts (the change stream's audience counters) are checked.
 *
 *   node bench/unsubscribe-latency.ts [samples per channel] [log file]
 *
 * Prints progress on stderr and the figures as one JSON line on stdout.
 */
import { appendFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

const samples = Number(process.argv[2] ?? 100);
const logFile = process.argv[3];
const rate = 14;
const perChannel = 3;
/** Where in a chunk's queued rows a round's people start: the first, whom its next call takes. */
const firstPick = 0;
const channels = ['oneClick', 'mailto', 'preferencePage'] as const;
type Channel = (typeof channels)[number];

process.env.SES_RATE_PER_SECOND = String(rate);
process.env.LOG_LEVEL ??= 'info';

const { setLogSink } = await import('#shared/observability/logger.ts');
setLogSink((line) => {
  if (logFile) appendFileSync(logFile, `[unsubscribe-latency] ${line}\n`);
});
const { startLocalStack } = await import('#infra/local/stack.ts');
const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
const { signToken } = await import('#shared/domain/tokens.ts');
const { ses } = await import('#shared/adapters/ses/client.ts');
const recipients = await import('#shared/adapters/dynamodb/recipients.ts');

const log = (line: string) => process.stderr.write(`  unsubscribe latency: ${line}\n`);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A seeded PRNG (mulberry32): the same waits on every run.
let seed = 0x1a7e;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const roundCount = Math.ceil(samples / perChannel);
// Planning fills chunks of 50 from each of the 16 shards of the members index: at least 100 people
// per shard, so chunks are full. A round uses 9 people of a chunk, about one chunk per round, and
// some rounds are needed again (people taken before their request started); the rest is to spare.
const recipientCount = Math.max(1600, Math.ceil(roundCount * 1.5) * 50 + 800);

const stack = await startLocalStack({ sesRatePerSecond: rate, pollWaitSeconds: 1 });
const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${stack.adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
};

interface Call {
  at: number;
  chunkId: string;
  contactIds: string[];
}
interface Sample {
  channel: Channel;
  contactId: string;
  startedAt: number;
  answeredAt?: number;
  failed?: string;
}
interface Round {
  chunkId: string;
  /** The chunk's queued rows in order, as the round read them: the sender takes them in this order. */
  queued: string[];
  samples: Sample[];
}

const figures = await (async () => {
  try {
    // 1. A type, its subscribers, a list and a mailing.
    const type = await api<{ id: string }>('POST', '/subscription-types', { name: 'Paced news' });
    const emailOf = (i: number) => `reader${i}@latency.example`;
    for (let from = 0; from < recipientCount; from += 1000) {
      const contacts = Array.from({ length: Math.min(1000, recipientCount - from) }, (_, j) => ({
        email: emailOf(from + j),
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [type.id]: 'subscribed' },
      }));
      await api('POST', '/contacts/batch', { contacts });
    }
    const list = await api<{ id: string }>('POST', '/lists', {
      name: 'Paced readers',
      criteria: { subscribedTo: type.id },
    });
    const mailing = await api<{ id: string }>('POST', '/mailings', {
      name: 'Paced',
      subscriptionTypeId: type.id,
      listId: list.id,
      from: 'News <news@latency.example>',
      subject: 'Hello',
      text: 'Hello! {{unsubscribeUrl}} {{preferencesUrl}}',
    });
    const keys = await signingKeys();
    const tokenOf = (p: 'unsubscribe' | 'preferences', c: string) =>
      signToken(keys, { p, c, m: mailing.id, t: type.id });
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });

    // 2. Every SES call, as it leaves.
    const calls: Call[] = [];
    let onCall: ((call: Call) => void) | undefined;
    ses.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as {
          BulkEmailEntries?: Array<{ ReplacementTags?: Array<{ Name: string; Value: string }> }>;
        };
        if (input.BulkEmailEntries) {
          const tag = (entry: (typeof input.BulkEmailEntries)[number], name: string) =>
            entry.ReplacementTags?.find((t) => t.Name === name)?.Value ?? '';
          const first = input.BulkEmailEntries[0];
          const call: Call = {
            at: now(),
            chunkId: first ? tag(first, 'chunkId') : '',
            contactIds: input.BulkEmailEntries.map((e) => tag(e, 'contactId')),
          };
          calls.push(call);
          onCall?.(call);
        }
        return next(args);
      },
      { step: 'initialize', name: 'watch-sends' },
    );

    // 3. The unsubscribes of one round, each by its channel.
    const unsubscribe = async (sample: Sample, form?: Array<[string, string]>) => {
      const c = sample.contactId;
      try {
        if (sample.channel === 'oneClick') {
          sample.startedAt = now();
          const res = await fetch(`${stack.apiUrl}/u/${tokenOf('unsubscribe', c)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
          });
          if (res.status !== 200) sample.failed = `HTTP ${res.status}`;
        } else if (sample.channel === 'mailto') {
          sample.startedAt = now();
          await smtp.sendMail({
            from: 'reader@latency.example',
            to: stack.unsubscribeAddress,
            subject: `unsubscribe-${tokenOf('unsubscribe', c)}`,
            text: 'unsubscribe',
          });
        } else {
          sample.startedAt = now();
          const res = await fetch(`${stack.apiUrl}/p/${tokenOf('preferences', c)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form ?? []).toString(),
          });
          if (res.status !== 200) sample.failed = `HTTP ${res.status}`;
        }
      } catch (error) {
        sample.failed = (error as Error).message;
      }
      sample.answeredAt = now();
    };
    /** The preference page's form as the browser has it before the save: every type unticked. */
    const preferenceForm = async (c: string): Promise<Array<[string, string]>> => {
      const page = await (await fetch(`${stack.apiUrl}/p/${tokenOf('preferences', c)}`)).text();
      const hidden = (name: string) =>
        (new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '').replace(/&amp;/g, '&');
      return [
        ['shown', hidden('shown')],
        ['sig', hidden('sig')],
        ['action', 'save'],
      ];
    };

    // 4. Send, and run rounds on the calls as they go out.
    await api('POST', `/mailings/${mailing.id}/send`);
    const rounds: Round[] = [];
    // Per channel: unsubscribes measured (their call seen after their request started), and made in
    // rounds still waiting for their call. Rounds go on until every channel has `samples` measured.
    const measured: Record<Channel, number> = { oneClick: 0, mailto: 0, preferencePage: 0 };
    const pending: Record<Channel, number> = { oneClick: 0, mailto: 0, preferencePage: 0 };
    // One round at a time per chunk; the two senders' chunks each have theirs.
    const inFlight = new Map<string, Round>();
    const starting = new Set<string>();
    let issued = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const enough = () => channels.every((ch) => measured[ch] >= samples);
    const lastPick = firstPick + perChannel * channels.length - 1;

    const startRound = async (call: Call) => {
      const chunk = await recipients.getChunk(mailing.id, call.chunkId);
      const queued = (chunk?.rows ?? []).filter((r) => r.s === 'queued').map((r) => r.c);
      // Someone queued after the last of them, so the call that passes them can be seen.
      if (queued.length <= lastPick + 1) return;
      const picks: Sample[] = [];
      let i = firstPick;
      // Each round puts another channel first: the first of the queue are the likeliest to be taken
      // before their request starts (then they do not count as measured).
      const order = channels.map((_, k) => channels[(k + rounds.length) % channels.length] as Channel);
      for (const channel of order)
        for (let k = 0; k < perChannel && measured[channel] + pending[channel] < samples; k++) {
          pending[channel]++;
          picks.push({ channel, contactId: queued[i++] as string, startedAt: 0 });
        }
      if (!picks.length) return;
      issued += picks.length;
      const round: Round = { chunkId: call.chunkId, queued, samples: picks };
      rounds.push(round);
      inFlight.set(call.chunkId, round);
      const forms = new Map<string, Array<[string, string]>>();
      for (const s of picks)
        if (s.channel === 'preferencePage') forms.set(s.contactId, await preferenceForm(s.contactId));
      await sleep(random() * 500);
      await Promise.all(picks.map((s) => unsubscribe(s, forms.get(s.contactId))));
    };

    /** A call of the round's chunk takes someone queued after its people: it has passed them all. */
    const passed = (round: Round, call: Call) =>
      call.chunkId === round.chunkId &&
      call.contactIds.some((c) => round.queued.indexOf(c) > firstPick + round.samples.length - 1);

    /** Whether a person's unsubscribe can be measured: their request started before their call. */
    const measurable = (round: Round, s: Sample) =>
      s.startedAt > 0 &&
      !calls.some(
        (c) => c.chunkId === round.chunkId && c.at < s.startedAt && c.contactIds.includes(s.contactId),
      );

    onCall = (call) => {
      const round = inFlight.get(call.chunkId);
      if (round && passed(round, call)) {
        inFlight.delete(call.chunkId);
        for (const s of round.samples) {
          pending[s.channel]--;
          if (measurable(round, s)) measured[s.channel]++;
        }
        const finishedRounds = rounds.length - inFlight.size;
        if (finishedRounds % 5 === 0) log(`${finishedRounds} rounds, ${JSON.stringify(measured)} measured`);
        if (enough() && !inFlight.size && !starting.size) finished();
      }
      if (inFlight.has(call.chunkId) || starting.has(call.chunkId) || enough()) return;
      starting.add(call.chunkId);
      startRound(call)
        .catch((error: unknown) => log(`round failed: ${(error as Error).message}`))
        .finally(() => {
          starting.delete(call.chunkId);
          if (enough() && !inFlight.size && !starting.size) finished();
        });
    };

    const deadline = setTimeout(
      () => {
        log(`stopped with ${inFlight.size} rounds waiting: the mailing ran out of calls to measure`);
        finished();
      },
      roundCount * 15_000 + 60_000,
    );
    await allDone;
    clearTimeout(deadline);
    await api('POST', `/mailings/${mailing.id}/cancel`);

    // 5. The figures. For each person: the chunk's first call after their request started that took
    //    them or anyone queued after them — the call that would have carried them.
    const picked = issued;
    const results = rounds.flatMap((round) =>
      round.samples.flatMap((s) => {
        const position = round.queued.indexOf(s.contactId);
        const ofChunk = calls.filter((c) => c.chunkId === round.chunkId);
        // Taken before the request started: not a measure of the unsubscribe.
        if (ofChunk.some((c) => c.at < s.startedAt && c.contactIds.includes(s.contactId))) return [];
        const call = ofChunk.find(
          (c) =>
            c.at >= s.startedAt &&
            c.contactIds.some((id) => id === s.contactId || round.queued.indexOf(id) > position),
        );
        if (!call || !s.startedAt) return [];
        return [
          {
            channel: s.channel,
            contactId: s.contactId,
            callAt: call.at,
            toCallMs: call.at - s.startedAt,
            answerMs: (s.answeredAt ?? call.at) - s.startedAt,
            answeredBeforeCall: (s.answeredAt ?? Number.POSITIVE_INFINITY) <= call.at,
            leftOut: !call.contactIds.includes(s.contactId),
            // Whether that call was the mailing's very next SES call after the request started.
            nextCall: !calls.some((c) => c.at >= s.startedAt && c.at < call.at),
            failed: s.failed,
          },
        ];
      }),
    );
    const notStartedBeforeCall = picked - results.length;
    // The first `samples` measured of each channel, in the order they were made.
    const taken: Record<Channel, number> = { oneClick: 0, mailto: 0, preferencePage: 0 };
    const kept = results.filter((r) => taken[r.channel]++ < samples);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? c.at));
    const pct = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? 0;
    };
    const byChannel = Object.fromEntries(
      channels.map((channel) => {
        const mine = kept.filter((r) => r.channel === channel);
        return [
          channel,
          {
            samples: mine.length,
            leftOut: mine.filter((r) => r.leftOut).length,
            failed: mine.filter((r) => r.failed).length,
            answeredBeforeCall: mine.filter((r) => r.answeredBeforeCall).length,
            // The goal: whoever was answered before their call is left out of it, every time.
            // (A request still in flight when the call left is a race it may win or lose.)
            leftOutOfAnswered: mine.filter((r) => r.answeredBeforeCall && r.leftOut).length,
            byTheNextCall: mine.filter((r) => r.nextCall && r.leftOut).length,
            toCallP50Ms: pct(
              mine.map((r) => r.toCallMs),
              0.5,
            ),
            toCallP90Ms: pct(
              mine.map((r) => r.toCallMs),
              0.9,
            ),
            toCallMaxMs: Math.max(0, ...mine.map((r) => r.toCallMs)),
            // Whose call came more than 5 s later: their chunk waited.
            over5s: mine.filter((r) => r.toCallMs > 5000).length,
            toCallMinMs: Math.min(...mine.map((r) => r.toCallMs)),
            answerP50Ms: pct(
              mine.map((r) => r.answerMs),
              0.5,
            ),
            answerMaxMs: Math.max(0, ...mine.map((r) => r.answerMs)),
          },
        ];
      }),
    );

    // 6. The same unsubscribes as the mailing counts them (the change stream's audience counters).
    let counted: { counts: { unsubscribed: number }; unsubscribes: Record<string, number> } | undefined;
    for (let i = 0; i < 100; i++) {
      counted = await api('GET', `/mailings/${mailing.id}`);
      if ((counted?.counts.unsubscribed ?? 0) >= picked) break;
      await sleep(100);
    }
    // Whoever the call still carried: when their unsubscribe was recorded (the history entry's
    // time), against the call.
    const missed = [];
    for (const r of kept.filter((x) => !x.leftOut)) {
      const history = await api<{ items: Array<{ at: string; source: string; to: string | null }> }>(
        'GET',
        `/contacts/${r.contactId}/history`,
      );
      const entry = history.items.find((e) => e.to === 'unsubscribed');
      missed.push({
        channel: r.channel,
        answeredBeforeCall: r.answeredBeforeCall,
        toCallMs: r.toCallMs,
        answerMs: r.answerMs,
        recordedAfterCallMs: entry ? Date.parse(entry.at) - r.callAt : null,
      });
    }
    return {
      rate,
      recipients: recipientCount,
      rounds: rounds.length,
      notStartedBeforeCall,
      sesCalls: calls.length,
      callGapP50Ms: pct(gaps, 0.5),
      byChannel,
      missed,
      mailingCounts: {
        picked,
        unsubscribed: counted?.counts.unsubscribed ?? 0,
        unsubscribes: counted?.unsubscribes ?? {},
      },
    };
  } finally {
    ses.middlewareStack.remove('watch-sends');
    await stack.stop();
  }
})();

process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
