/** A small client of the local API, as a marketing app would call it (JSON, Bearer key). */
export interface ApiResult<T> {
  status: number;
  body: T;
  ms: number;
}

export type Api = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<ApiResult<T>>;

export const apiClient =
  (baseUrl: string, key: string): Api =>
  async <T>(method: string, path: string, body?: unknown) => {
    const started = performance.now();
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, ms };
  };

/** The body of a successful call, or an error naming the call and what came back. */
export const expectStatus = <T>(result: ApiResult<T>, status: number, what: string): T => {
  if (result.status !== status)
    throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`);
  return result.body;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
