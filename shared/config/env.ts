import * as z from 'zod/mini';

/**
 * Environment variables are the only contract between infra and code. Each handler calls this at
 * module load with the variables it needs, so a misconfigured function fails at cold start, loudly.
 */
export const loadConfig = <S extends z.core.$ZodShape>(shape: S, env: NodeJS.ProcessEnv = process.env) => {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
};
