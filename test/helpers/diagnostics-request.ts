/**
 * Talking to a node process's diagnostics thread directly, as the launcher does: one
 * request line, one answer line, then the thread closes the connection.
 */
import { connect } from 'node:net';

/** Sends one request line to `address` (`host:port`) and returns the parsed answer line. */
export function askDiagnostics(
  address: string,
  request: unknown,
): Promise<Record<string, unknown>> {
  const colon = address.lastIndexOf(':');
  const socket = connect(Number(address.slice(colon + 1)), address.slice(0, colon));
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      try {
        resolve(JSON.parse(text) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(`${JSON.stringify(request)}\n`);
  });
}
