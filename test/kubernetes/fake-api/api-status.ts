/**
 * The `Status` objects a Kubernetes API server answers errors with, and the reasons it
 * gives for each HTTP code, so the fake's refusals read like the real ones.
 */

/** A `Status` object of kind Failure, as the API server sends it. */
export interface ApiStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: { readonly name?: string; readonly kind?: string };
  readonly code: number;
}

/** The `reason` the API server gives with each status code the fake produces. */
export const REASONS: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'AlreadyExists',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** A Failure status with `code`, its usual reason, and `message`. */
export function apiStatus(
  code: number,
  message: string,
  details?: { name?: string; kind?: string },
): ApiStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** The message the API server gives for `code` on `verb` of `plural` `name`. */
export function usualMessage(
  code: number,
  request: { verb: string; plural: string; name: string; namespace: string },
): string {
  const { verb, plural, name, namespace } = request;
  switch (code) {
    case 403:
      return `${plural} "${name}" is forbidden: User "system:serviceaccount:${namespace}:default" cannot ${verb} resource "${plural}" in API group "" in the namespace "${namespace}"`;
    case 409:
      return `${plural} "${name}" already exists`;
    case 422:
      return `${plural} "${name}" is invalid`;
    case 429:
      return 'Too many requests, please try again later.';
    case 503:
      return 'the server is currently unable to handle the request';
    default:
      return `an error on the server ("internal error") has prevented the request from succeeding (${verb} ${plural} ${name})`;
  }
}
