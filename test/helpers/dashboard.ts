/**
 * Helpers for the dashboard tests: calls to a launch API, with or without its token.
 */

/** The launch API's base URL and token, from a dashboard URL `http://host:port/?token=T`. */
export function apiOf(dashboardUrl: string): { base: string; token: string } {
  const url = new URL(dashboardUrl);
  return { base: url.origin, token: url.searchParams.get('token') ?? '' };
}

/** A request to the launch API at `path`; its status and parsed JSON body. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
export async function api<T = Record<string, unknown>>(
  dashboardUrl: string,
  path: string,
  init: { method?: string; token?: string | null } = {},
): Promise<{ status: number; type: string; body: T }> {
  const { base, token } = apiOf(dashboardUrl);
  const given = init.token === undefined ? token : init.token;
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: given === null ? {} : { authorization: `Bearer ${given}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (text === '' ? {} : JSON.parse(text)) as T,
  };
}
