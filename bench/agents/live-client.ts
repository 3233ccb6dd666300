/** A small HTTP client for the benchmark's agents and submitter; errors carry the status and body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → ${status} ${JSON.stringify(body)}`);
  }
}

export type Call = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

export function client(baseUrl: string, token: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw new ApiError(response.status, parsed, `${method} ${path}`);
    return parsed;
  };
}
