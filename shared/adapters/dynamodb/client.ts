import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readSettings, text } from '#shared/config/settings.ts';
import { tableEnvVars } from '#infra/env-vars.ts';
import type { TableName } from '#infra/tables.ts';

/**
 * One DynamoDB client per process. The endpoint comes from the SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` (the local stack points it at dynalite); nothing else differs.
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

const names = new Map<TableName, string>();

/**
 * The physical name of a table, from the env var its definition declares. The API wrapper calls
 * this at module load for every table its route declares (infra/routes.ts), so a function deployed
 * without a table it uses fails at cold start; repositories call it when they run.
 */
export const tableName = (name: TableName): string => {
  let value = names.get(name);
  if (!value) {
    const envVar = tableEnvVars[name];
    value = readSettings({ [envVar]: text(1) })[envVar] as string;
    names.set(name, value);
  }
  return value;
};

/** True when a conditional write lost its condition. */
export const isConditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException;
