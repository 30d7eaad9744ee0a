import { api } from '#shared/http/api.ts';
import { getBouncePolicy } from '#shared/use-cases/bounce-policy.ts';
import { route } from './get-bounce-policy.route.ts';

export const handler = api(route, () => getBouncePolicy());
