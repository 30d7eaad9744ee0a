/**
 * Public on-demand prices, us-east-1, in USD (as listed on the AWS pricing pages; no free tier).
 * Change them here if AWS does; every cost figure is counted requests × these.
 */
export const prices = {
  /** Lambda on arm64 (the functions' architecture): per GB-second and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** DynamoDB on-demand: per read request unit and per write request unit. */
  dynamoRead: 0.125 / 1e6,
  dynamoWrite: 0.625 / 1e6,
  /** SQS standard queue: per request, each 64 KB of payload billed as one request. */
  sqsRequest: 0.4 / 1e6,
  /** SNS standard topic: per publish (64 KB chunks); deliveries to SQS and Lambda carry no SNS charge. */
  snsPublish: 0.5 / 1e6,
  /** API Gateway HTTP API: per request (512 KB chunks). */
  httpApiRequest: 1 / 1e6,
  /** SES outbound: per message, for scale only; not part of the infrastructure budget. */
  sesMessage: 0.1 / 1000,
} as const;

/** The budget of docs/design.md: all infrastructure per 1 M mails. */
export const costBudgetPerMillion = 0.25;
