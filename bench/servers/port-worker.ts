/**
 * The MessagePort baseline's server: a worker thread that answers `postMessage` calls.
 * Values are structured-cloned (copied), as they would be between processes.
 */
import { parentPort } from 'node:worker_threads';
import { makeBatcher } from './mini-batcher.ts';

const port = parentPort;
if (port === null) throw new Error('port-worker.ts must run in a worker thread');
const batch = makeBatcher();
port.on('message', (message: [number, string, unknown]) => {
  const [id, method, value] = message;
  if (method === 'compute') {
    batch(value as number, (result) => {
      port.postMessage([id, result]);
    });
  } else {
    port.postMessage([id, value]);
  }
});
