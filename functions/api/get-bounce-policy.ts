import { api } from '#shared/http/api.ts';
import { getBouncePolicy } from '#shared/use-cases/bounce-policy.ts';

export const handler = api('GET /settings/bounce-policy', () => getBouncePolicy());
