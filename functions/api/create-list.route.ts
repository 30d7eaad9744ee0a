import { defineRoute } from '#shared/http/contract.ts';
import { CreateList, TargetList } from '#shared/http/schemas/mailings.ts';

/** The contract of `POST /lists`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/lists',
  entry: 'functions/api/create-list.ts',
  operationId: 'createList',
  auth: 'marketer',
  summary: 'Create a target list: a selection (criteria), a static set of contacts, or both',
  description:
    'Creates a target list: a selection (subscribed to a type, interests, locale), a static set of contacts, or both. A selection must be readable from an index (a type or an interest).',
  tag: 'lists',
  status: 201,
  body: CreateList,
  response: TargetList,
  tables: { app: 'write' },
  idempotent: true,
});
