import * as z from '#shared/schema/z.ts';

/**
 * Environment variables are the only contract between infra and code. Each handler calls this at
 * module load with the variables it needs, so a misconfigured function fails at cold start, loudly.
 * The adapters and use cases most functions load read theirs with the plain checks of settings.ts
 * instead (same rules, same error), so that a function using zod for nothing else does not carry it.
 */
export const loadConfig = <S extends z.Shape>(shape: S, env: NodeJS.ProcessEnv = process.env) => {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
};

/**
 * An e-mail address as a setting: `local@domain`, where the domain may be a bare host name
 * (`unsubscribe@localhost` on the local stack), which `z.email()` refuses.
 */
export const mailboxAddress = z
  .string()
  .check(
    z.maxLength(254),
    z.regex(/^[^\s@<>()[\]",;:]+@[A-Za-z0-9.-]+$/, 'must be an address such as unsubscribe@example.com'),
  );
