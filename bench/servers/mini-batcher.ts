/**
 * The smallest batching a hand-written baseline server would do: gather requests until
 * the batch is full or its first request has waited long enough, then answer them all.
 */
import { BATCH_CLIENTS, BATCH_TIMEOUT_MS } from '../measure.ts';

/** Queues `value`; `answer` is called with `value + 1` when its batch runs. */
export function makeBatcher(): (value: number, answer: (result: number) => void) => void {
  let batch: { value: number; answer: (result: number) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const ready = batch;
    batch = [];
    for (const { value, answer } of ready) answer(value + 1);
  };
  return (value, answer) => {
    batch.push({ value, answer });
    if (batch.length >= BATCH_CLIENTS) flush();
    else timer ??= setTimeout(flush, BATCH_TIMEOUT_MS);
  };
}
