/**
 * Fault injection for tests on the local stack: SDK middleware on the product's module-singleton
 * clients (shared/adapters/{dynamodb,sqs,ses}/client.ts) or the local poller's client, failing
 * chosen calls the way AWS fails them, and seeded decisions so a run can be repeated.
 *
 * Wire faults sit at the `deserialize` step with `low` priority, inside the SDK's deserializer and
 * retry middleware: an injected error response is parsed into the service's own exception class
 * (`TooManyRequestsException`, `ProvisionedThroughputExceededException`) and retried by the SDK
 * exactly as a real one would be; only when every attempt fails does the product code see it.
 */
import type {
  DeserializeHandlerOutput,
  HandlerExecutionContext,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';

/** What every SDK v3 client has: the stack fault middleware goes into. */
export interface FaultableClient {
  middlewareStack: MiddlewareStack<object, MetadataBearer>;
}

const fmix = (h: number) => {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
};

/** A 32-bit hash of a string (FNV-1a, then a finalizer so every bit depends on every character). */
export const hash32 = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
};

/**
 * A seeded yes/no for about `rate` of all keys: the same seed and key always decide the same, so a
 * decision does not depend on the order in which concurrent consumers happen to ask.
 */
export const decide = (seed: number, key: string, rate: number): boolean =>
  hash32(`${seed}:${key}`) / 2 ** 32 < rate;

/** mulberry32: a small, fast, seeded PRNG giving numbers in [0, 1). */
export const prng = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
};

/** An HTTP response as the SDK's deserializers read it (a plain object passes `HttpResponse.isInstance`). */
export interface FakeResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** An error answer of a JSON-protocol service (DynamoDB: awsJson1_0). */
export const awsJsonError = (
  service: string,
  type: string,
  message: string,
  statusCode = 400,
): FakeResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
  body: encode({ __type: `${service}#${type}`, message }),
});

/** An error answer of a REST-JSON service (SES v2). */
export const restJsonError = (type: string, message: string, statusCode: number): FakeResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: encode({ message }),
});

/** DynamoDB's answer to a write above the table's (or partition's) throughput. */
export const dynamoThrottle = (): FakeResponse =>
  awsJsonError(
    'com.amazonaws.dynamodb.v20120810',
    'ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded.',
  );

/** SES v2's answer to a call above the account's sending rate. */
export const sesThrottle = (): FakeResponse =>
  restJsonError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429);

/** One attempt of an SDK call as it leaves for the wire. */
export interface WireCall {
  commandName: string;
  /** The serialized request body. */
  body: string;
  /** This attempt (1 for the first) and how many the SDK's retry strategy makes at most. */
  attempt: number;
  maxAttempts: number;
}

/** What a wire rule decides: let the call through (undefined), answer it with a response, or throw. */
export type WireVerdict = FakeResponse | Error | undefined;

const bodyOf = (request: unknown): string => {
  const body = (request as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') return body;
  // TextDecoder, not Buffer.from: the SDK's JSON bodies are Uint8Arrays that warn when read as strings.
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return '';
};

/** `amz-sdk-request: attempt=2; max=3`, set by the SDK's retry middleware on every attempt. */
const attemptOf = (request: unknown): { attempt: number; maxAttempts: number } => {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'amz-sdk-request')?.[1] ?? '';
  return {
    attempt: Number(/attempt=(\d+)/.exec(value)?.[1] ?? 1),
    maxAttempts: Number(/max=(\d+)/.exec(value)?.[1] ?? 1),
  };
};

const statusOf = (response: unknown): number =>
  (response as { statusCode?: number } | undefined)?.statusCode ?? 0;

/**
 * Adds a rule that sees every attempt of every call of `client` on the wire (SDK retries included)
 * and may fail it; `onAnswer` sees the HTTP status of each attempt that went through. Returns the
 * function that removes it.
 */
export const injectOnWire = (
  client: FaultableClient,
  name: string,
  rule: (call: WireCall) => WireVerdict,
  onAnswer?: (call: WireCall, statusCode: number) => void,
): (() => void) => {
  client.middlewareStack.add(
    (next, context: HandlerExecutionContext) =>
      async (args): Promise<DeserializeHandlerOutput<MetadataBearer>> => {
        const call: WireCall = {
          commandName: context.commandName ?? '',
          body: bodyOf(args.request),
          ...attemptOf(args.request),
        };
        const verdict = rule(call);
        if (verdict instanceof Error) throw verdict;
        if (verdict) return { response: verdict };
        const answer = await next(args);
        onAnswer?.(call, statusOf(answer.response));
        return answer;
      },
    { step: 'deserialize', priority: 'low', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
};

/**
 * Adds a wrapper around whole commands (before serialization, outside the SDK's retries): it gets
 * the command name and input and decides what to hand on and what to answer. With priority `high`
 * it runs first, as the command is sent. Returns the remover.
 */
export const injectOnCommand = (
  client: FaultableClient,
  name: string,
  wrap: (
    commandName: string,
    input: Record<string, unknown>,
    next: (input: Record<string, unknown>) => Promise<InitializeHandlerOutput<MetadataBearer>>,
  ) => Promise<InitializeHandlerOutput<MetadataBearer>>,
  priority: 'high' | 'low' = 'low',
): (() => void) => {
  client.middlewareStack.add(
    (next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) =>
      wrap(context.commandName ?? '', args.input as Record<string, unknown>, (input) =>
        next({ ...args, input }),
      ),
    { step: 'initialize', priority, name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
};

/** A crash of the process in the middle of an invocation: nothing after it runs. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash at ${where}`);
    this.name = 'SimulatedCrash';
  }
}
