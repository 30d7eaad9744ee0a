/** Loading handler modules and making Lambda context objects, as the Lambda runtime does. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: handlers of every event type pass through here
export type AnyHandler = (event: any, context: Context) => Promise<any>;

const loaded = new Map<string, Promise<AnyHandler>>();
const attempts = new Map<string, number>();

/**
 * Imports `entry` (a path from the project root) once, like a warm Lambda container. A module that
 * failed to load is not kept: the next call imports it afresh (under a new URL, since Node keeps a
 * module whose evaluation threw as failed for good), as Lambda starts a new container after a
 * failed init.
 */
export const loadHandler = (entry: string): Promise<AnyHandler> => {
  let handler = loaded.get(entry);
  if (!handler) {
    const attempt = attempts.get(entry) ?? 0;
    const url = pathToFileURL(join(projectRoot, entry));
    if (attempt) url.search = `?attempt=${attempt}`;
    handler = import(url.href).then((module: { handler?: AnyHandler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
      return module.handler;
    });
    loaded.set(entry, handler);
    handler.catch(() => {
      loaded.delete(entry);
      attempts.set(entry, attempt + 1);
    });
  }
  return handler;
};

export const lambdaContext = (functionName: string, timeoutMs = 30_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
