/**
 * Demo data for `npm start`. Idempotent: a second start finds the data and adds nothing.
 */
import type { LocalStack } from './stack.ts';

export const seedDemo = async (_stack: LocalStack): Promise<{ preferenceUrl?: string }> => {
  return {};
};
