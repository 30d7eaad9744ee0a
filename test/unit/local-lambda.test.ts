/** The local Lambda runtime's module loading: a handler whose init failed is not kept as failed. */
import { describe, expect, it } from 'vitest';
import { lambdaContext, loadHandler } from '#infra/local/lambda.ts';

describe('loadHandler', () => {
  it('imports a handler again after its init failed, as Lambda starts a fresh container', async () => {
    process.env.FLAKY_HANDLER_FAIL = '1';
    await expect(loadHandler('test/fixtures/flaky-handler.ts')).rejects.toThrow('FLAKY_HANDLER_FAIL');
    await expect(loadHandler('test/fixtures/flaky-handler.ts')).rejects.toThrow('FLAKY_HANDLER_FAIL');
    process.env.FLAKY_HANDLER_FAIL = '0';
    const handler = await loadHandler('test/fixtures/flaky-handler.ts');
    await expect(handler({}, lambdaContext('flaky'))).resolves.toBe('served');
    // And once loaded, it stays loaded (a warm container).
    process.env.FLAKY_HANDLER_FAIL = '1';
    expect(await loadHandler('test/fixtures/flaky-handler.ts')).toBe(handler);
  });
});
