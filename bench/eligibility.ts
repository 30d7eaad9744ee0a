/**
 * Micro-benchmark of the eligibility rule on one core (budget: ≥ 5 M evaluations/s).
 *
 * Builds ~1 M synthetic contacts with a realistic mix (mostly eligible, some of every exclusion),
 * evaluates them all several times, and prints the median rate of the measured rounds as
 * `{"evaluationsPerSecond": N}` on stdout.
 *
 *   node bench/eligibility.ts [contacts] [rounds]
 */
import {
  type ConsentStatus,
  type EligibilityContact,
  type EligibilityMailing,
  type EligibilitySuppression,
  evaluate,
  type SubscriptionStatus,
} from '#shared/domain/eligibility.ts';

const contactCount = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 7);
const warmupRounds = 2;

// A small deterministic PRNG (mulberry32) so every run measures the same data.
let seed = 0x5eed;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const suppressionReasons = ['hard_bounce', 'complaint', 'manual', 'erased'] as const;
const contacts: EligibilityContact[] = new Array(contactCount);
const suppressions: (EligibilitySuppression | undefined)[] = new Array(contactCount);
for (let i = 0; i < contactCount; i++) {
  const r = random();
  const consent: ConsentStatus = r < 0.9 ? 'granted' : r < 0.95 ? 'withdrawn' : 'none';
  const s = random();
  const subscriptionStatus: SubscriptionStatus | undefined =
    s < 0.85 ? 'subscribed' : s < 0.92 ? 'unsubscribed' : s < 0.96 ? 'pending' : undefined;
  const e = random();
  const email = e < 0.005 ? 'not-an-address' : e < 0.01 ? undefined : `person.${i}@example${i % 97}.com`;
  contacts[i] = { email, consent, subscriptionStatus };
  suppressions[i] =
    random() < 0.01 ? { reason: suppressionReasons[i % suppressionReasons.length] ?? 'manual' } : undefined;
}

const mailing: EligibilityMailing = { typeId: 'type-newsletter', overrideConsent: false };

const runRound = (): { seconds: number; included: number } => {
  let included = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < contactCount; i++) {
    // A counter the optimiser cannot drop: it depends on every result.
    if (evaluate(mailing, true, contacts[i]!, suppressions[i]).verdict === 'included') included++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, included };
};

for (let i = 0; i < warmupRounds; i++) runRound();
const rates: number[] = [];
let included = 0;
for (let i = 0; i < rounds; i++) {
  const round = runRound();
  rates.push(contactCount / round.seconds);
  included = round.included;
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;

if (included === 0) process.stderr.write('warning: no contact was included\n');
process.stdout.write(`${JSON.stringify({ evaluationsPerSecond: Math.round(median) })}\n`);
