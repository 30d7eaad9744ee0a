import * as z from '#shared/schema/z.ts';
import { isoDate } from '#shared/schema/z.ts';
import { maxReportDays } from '#shared/domain/audience-counts.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';

const day = isoDate();
const count = z.number().check(z.int());
const bySource = z
  .record(z.string(), count)
  .check(
    z.describe(
      'Unsubscribes by the source of the change (`one_click`, `preference_page`, `mailto`, `link`, `api`, `import`, `admin`, `erasure`, …); sources without any are left out',
    ),
  );

const ReportQuery = z.object({
  from: z.optional(day.check(z.describe('The first day (UTC); default: 29 days before `to`'))),
  to: z.optional(
    day.check(z.describe('The last day (UTC); default and latest: today (a later day reads as today)')),
  ),
});

const ReportDay = z
  .object({
    date: day,
    subscribed: count.check(z.describe('Subscriptions to the type that became active this day')),
    unsubscribed: count.check(
      z.describe('Active subscriptions that ended this day (an unsubscribe, or the erasure of a subscriber)'),
    ),
    total: count.check(z.describe('Active subscriptions at the end of the day')),
    unsubscribesBySource: bySource,
  })
  .check(z.meta({ id: 'SubscriptionTypeReportDay' }));

const SubscriptionTypeReport = z
  .object({
    typeId: z.string(),
    timeZone: z.literal('UTC'),
    from: day,
    to: day,
    days: z
      .array(ReportDay)
      .check(z.describe('Every day from `from` to `to`, days without a change included')),
    summary: z.object({
      subscribed: count,
      unsubscribed: count,
      unsubscribesBySource: bySource,
      totalBefore: count.check(z.describe('Active subscriptions at the end of the day before `from`')),
      totalAfter: count.check(z.describe('Active subscriptions at the end of `to`')),
    }),
  })
  .check(z.meta({ id: 'SubscriptionTypeReport' }));

/** The contract of `GET /subscription-types/{id}/report`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/subscription-types/{id}/report',
  entry: 'functions/api/get-subscription-type-report.ts',
  operationId: 'getSubscriptionTypeReport',
  auth: 'marketer',
  tag: 'subscription-types',
  status: 200,
  params: IdParams,
  query: ReportQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: "A subscription type's audience, day by day: subscribes, unsubscribes by source, the total",
  description: `A subscription type's audience, day by day (UTC) from \`from\` to \`to\` (at most ${maxReportDays} days; by default the last 30): subscriptions that became active, active ones that ended (by source) and the total at the end of each day. Read from counters kept as changes happen (one small item per day with a change), never by reading the history; they count from the day the counting was deployed. 422 for a date that is not a calendar date \`YYYY-MM-DD\`, \`from\` after \`to\` or after today, or a longer range.`,
  response: SubscriptionTypeReport,
}));
