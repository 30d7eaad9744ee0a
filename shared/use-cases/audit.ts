import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { ValidationError } from '#shared/domain/errors.ts';

/**
 * The audit log, newest first, optionally of one action and within [from, to).
 * Entries carry ids and facts only (the adapter records no address or name of a person).
 */
export const listAuditEntries = async (query: {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}) => {
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
    throw new ValidationError('The time window is empty', [
      { path: 'query.to', code: 'empty_window', message: '`to` must be after `from`' },
    ]);
  }
  return audit.list(query);
};
