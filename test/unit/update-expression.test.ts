import { describe, expect, it } from 'vitest';
import { updateExpression } from '#shared/adapters/dynamodb/update-expression.ts';

describe('update expressions', () => {
  it('puts every name and value behind a placeholder, nested paths segment by segment', () => {
    const u = updateExpression({
      set: { status: 'sent', 'sources.t00': { page: 1 }, gone: undefined },
      add: { sent: 3, zero: 0 },
    });
    expect(u.UpdateExpression).toBe('SET #u0p0 = :u0, #u1p0.#u1p1 = :u1 REMOVE #u2p0 ADD #u3 :u3');
    expect(u.ExpressionAttributeNames).toEqual({
      '#u0p0': 'status',
      '#u1p0': 'sources',
      '#u1p1': 't00',
      '#u2p0': 'gone',
      '#u3': 'sent',
    });
    expect(u.ExpressionAttributeValues).toEqual({ ':u0': 'sent', ':u1': { page: 1 }, ':u3': 3 });
    expect(u.empty).toBe(false);
  });

  it('says when there is nothing to do', () => {
    expect(updateExpression({ add: { a: 0 } }).empty).toBe(true);
  });
});
