/** Retries `check` until it stops throwing (or returns true), for work that finishes in the background. */
export const eventually = async <T>(
  check: () => Promise<T | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value as T;
      if (Date.now() > deadline) throw new Error('condition still false');
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
