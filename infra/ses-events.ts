import { type SesEventType, sesEventTypes } from '#shared/domain/ses-events.ts';

/**
 * The SES events the configuration set publishes, by the `eventType` names of SES's event
 * publishing. Read by CDK (infra/stacks/stateful-stack.ts maps them to its event types) and by the
 * local SES simulator (infra/local/ses-simulator.ts), so both publish the same events.
 *
 * Not `Send`: SendBulkEmail's answer already says what SES accepted, and any later event proves
 * acceptance of a row whose answer was lost (`outcome_unknown`). `Delivery` is on unless the
 * deployment turns it off (`deliveryEvents=false`): about 98 % of all events in a healthy list, and
 * with them most of the feedback's SNS, SQS and DynamoDB cost — at the price of rows that end `sent`
 * instead of `delivered`, soft-bounce counts that no longer start over after a delivery, and
 * `outcome_unknown` rows corrected only by a bounce or complaint.
 */
export type SesEventName = Exclude<SesEventType, 'Send'>;

/** Every event type the feedback handler parses (shared/domain/ses-events.ts) but `Send`. */
export const sesEventNames = sesEventTypes.filter((type): type is SesEventName => type !== 'Send');

export const publishedSesEvents = (deliveryEvents: boolean): readonly SesEventName[] =>
  sesEventNames.filter((name) => deliveryEvents || name !== 'Delivery');
