/**
 * @module
 * What the API server said when it refused a call, read from the errors
 * `@kubernetes/client-node` throws: the HTTP code, and the `reason` and `message` of the
 * `Status` object in the body, so a refusal can be told to the user in the API's words.
 */

/** A refusal, in the API server's words. */
export interface ApiRefusal {
  /** The HTTP status code, when the server answered. */
  readonly code: number | undefined;
  /** The Status `reason` (`Forbidden`, `AlreadyExists`, `Invalid`…), when given. */
  readonly reason: string | undefined;
  /** The Status `message`, else the error's own message. */
  readonly message: string;
}

/** The HTTP status code of a client-node error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** Whether a call that failed with `error` may succeed if tried again (5xx, 429, no answer). */
export function isTransient(error: unknown): boolean {
  const code = statusOf(error);
  return code === undefined || code === 429 || code >= 500;
}

/** Reads the code, reason and message of a refusal. */
export function refusalOf(error: unknown): ApiRefusal {
  const code = statusOf(error);
  const status = statusBody((error as { body?: unknown } | null)?.body);
  const own = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    code,
    reason: typeof status?.reason === 'string' ? status.reason : undefined,
    message: typeof status?.message === 'string' ? status.message : (own ?? String(error)),
  };
}

/** `403 Forbidden: <message>`, or as much of it as is known. */
export function describeRefusal(refusal: ApiRefusal): string {
  const head = [refusal.code, refusal.reason].filter((part) => part !== undefined).join(' ');
  return head === '' ? refusal.message : `${head}: ${refusal.message}`;
}

function statusBody(body: unknown): { reason?: unknown; message?: unknown } | undefined {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
