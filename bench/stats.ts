/**
 * Helpers the benchmarks share: the median of a sample, and running a suite in a child
 * process that prints its figures as one `RESULT <json>` line.
 */
import { spawn } from 'node:child_process';

/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * Runs `node ...args` with `env`, and resolves with the JSON of the last line it prints
 * that starts with `RESULT `. Killed after 90 s; rejects, with its output, if it fails.
 */
export function runSuiteResult<T>(args: readonly string[], env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').findLast((text) => text.startsWith('RESULT '));
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice(7)) as T);
      else reject(new Error(`node ${args.join(' ')} exited with ${String(code)}:\n${output}`));
    });
  });
}
