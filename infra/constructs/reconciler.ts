/**
 * The reconciler (functions/workers/reconcile-mailings.ts) on a schedule: an EventBridge rule runs
 * it every few minutes to queue again the work of mailings that stopped moving. The local stack
 * runs the same handler on a timer (infra/local/stack.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { QueueName } from '#infra/queues.ts';
import type { Access } from '#shared/http/contract.ts';
import type { TableName } from '#infra/tables.ts';
import {
  type DefinedQueue,
  type DefinedTable,
  type FunctionDefaults,
  NodeFunction,
} from './node-function.ts';

/** What the reconciler is and may touch: the app table (active mailings, progress) and the plan queue. */
export const reconcilerDefinition = {
  entry: 'functions/workers/reconcile-mailings.ts',
  everyMinutes: 5,
  timeoutSeconds: 60,
  tables: { app: 'write' } as Partial<Record<TableName, Access>>,
  queues: ['plan'] as readonly QueueName[],
} as const;

export interface ReconcilerProps {
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly queues: Readonly<Record<QueueName, DefinedQueue>>;
  readonly functionDefaults: FunctionDefaults;
}

export class Reconciler extends Construct {
  readonly function: NodeFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    const definition = reconcilerDefinition;
    this.function = new NodeFunction(this, 'Function', {
      ...props.functionDefaults,
      entry: definition.entry,
      description: 'Reconciler: queues again the work of mailings that stopped moving',
      timeout: Duration.seconds(definition.timeoutSeconds),
    });
    for (const [name, access] of Object.entries(definition.tables) as [TableName, Access][])
      this.function.bindTable(props.tables[name], access);
    for (const queue of definition.queues) this.function.bindQueue(props.queues[queue]);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the mailing reconciler',
      schedule: events.Schedule.rate(Duration.minutes(definition.everyMinutes)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
