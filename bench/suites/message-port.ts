/**
 * The in-process floor: `postMessage` to a worker thread and back, with call ids.
 */
import { Worker } from 'node:worker_threads';
import { measure, report, type Transport } from '../measure.ts';

// Node 20 does not pass tsx's loader to workers, so the worker registers it first.
const tsxApi = import.meta.resolve('tsx/esm/api');
const workerUrl = new URL('../servers/port-worker.ts', import.meta.url).href;
const worker = new Worker(
  `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
  { eval: true },
);
try {
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  worker.on('message', ([id, value]: [number, unknown]) => {
    const resolve = pending.get(id);
    pending.delete(id);
    resolve?.(value);
  });
  const call = <T>(method: string, value: unknown): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage([id, method, value]);
    });
  const transport: Transport = {
    ping: (value) => call('ping', value),
    echo: (value) => call('echo', value),
    compute: (value) => call('compute', value),
  };
  report(await measure(transport));
} finally {
  await worker.terminate();
}
