/**
 * @module
 * {@link LaunchApi}: the CLI's client of a running launch's HTTP API (on 127.0.0.1, with
 * the per-launch token from the registry), turning every failure into one clear line.
 */
import { CliError } from './cli-error.ts';
import type { LaunchRecord } from './launch-registry.ts';
import { thrownMessage } from '../errors/thrown.ts';

/** How one request is made. */
export interface RequestOptions {
  /** @default 'GET' */
  readonly method?: 'GET' | 'POST';
  /** Gives up after this long. @default 10_000 */
  readonly timeoutMs?: number;
}

/** What the launch API answers on `GET /api/launch`, one node of `GET /api/nodes`, a log line. */
export type { LaunchInfo, NodeRow as NodeInfo } from '../launcher/dashboard/launch-view.ts';
export type { LogLine } from '../launcher/dashboard/log-tail.ts';

/** An answer of the launch API that is not a success, with the API's own explanation. */
export class LaunchApiError extends CliError {
  /**
   * @param message - the explanation, naming the launch
   * @param status - the HTTP status
   */
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LaunchApiError';
  }
}

/** A node id as one segment of a URL path (`producer/0` → `producer%2F0`). */
export function nodePath(nodeId: string): string {
  return encodeURIComponent(nodeId);
}

/** The launch API of one launch. */
export class LaunchApi {
  /** @param launch - the launch's registry record: its API's URL and token */
  constructor(readonly launch: LaunchRecord) {}

  /** Sends a request and returns the answer's JSON body. */
  async json<TAnswer>(path: string, options: RequestOptions = {}): Promise<TAnswer> {
    const response = await this.#request(
      path,
      options.method ?? 'GET',
      options.timeoutMs ?? 10_000,
    );
    return (await response.json()) as TAnswer;
  }

  /**
   * Reads a server-sent-event stream, calling `onData` with each event's parsed JSON data,
   * until the server ends it or `signal` aborts.
   */
  async events(path: string, onData: (data: unknown) => void, signal: AbortSignal): Promise<void> {
    const response = await this.#request(path, 'GET', undefined, signal);
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffered = '';
    let data: string[] = [];
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline).replace(/\r$/, '');
          buffered = buffered.slice(newline + 1);
          if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          else if (line === '' && data.length > 0) {
            onData(JSON.parse(data.join('\n')));
            data = [];
          }
          newline = buffered.indexOf('\n');
        }
      }
    } catch (error) {
      if (!signal.aborted) throw this.#unreachable(error);
    }
  }

  async #request(
    path: string,
    method: 'GET' | 'POST',
    timeoutMs: number | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = new URL(path, this.launch.apiUrl);
    const signals = [signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)];
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.launch.token}` },
        signal: AbortSignal.any(signals.filter((each) => each !== undefined)),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new CliError(
          `Launch ${this.launch.id} did not answer ${method} ${url.pathname} within ${(timeoutMs ?? 0) / 1000} s.`,
        );
      }
      throw this.#unreachable(error);
    }
    if (!response.ok) {
      const body = await response.text();
      let explanation = body;
      try {
        const parsed = JSON.parse(body) as { error?: unknown };
        if (typeof parsed.error === 'string') explanation = parsed.error;
      } catch {
        // Not the API's JSON error: show the body as it came.
      }
      throw new LaunchApiError(
        `Launch ${this.launch.id} answered ${method} ${url.pathname} with ${response.status}: ${explanation}`,
        response.status,
      );
    }
    return response;
  }

  #unreachable(error: unknown): CliError {
    // fetch() fails with "fetch failed" and the reason in its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return new CliError(
      `The API of launch ${this.launch.id} at ${this.launch.apiUrl} does not answer` +
        ` (${thrownMessage(cause)}); its launcher (pid ${this.launch.pid}) may have just ended: see launchpad-ts ls.`,
    );
  }
}
