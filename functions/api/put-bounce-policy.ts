import { api } from '#shared/http/api.ts';
import { setBouncePolicy } from '#shared/use-cases/bounce-policy.ts';

export const handler = api('PUT /settings/bounce-policy', ({ body, actor }) => setBouncePolicy(body, actor));
