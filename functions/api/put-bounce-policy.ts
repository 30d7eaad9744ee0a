import { api } from '#shared/http/api.ts';
import { setBouncePolicy } from '#shared/use-cases/bounce-policy.ts';
import { route } from './put-bounce-policy.route.ts';

export const handler = api(route, ({ body, actor }) => setBouncePolicy(body, actor));
