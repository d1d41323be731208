/**
 * The parent watchdog of a node process that the kernel does not kill with its launcher:
 * it kills the process once it has been re-parented, even while the main thread spins,
 * and the same thread answers diagnostics once asked, so such a node runs one extra
 * isolate, not two.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiagnosticsThread, watchParent } from '../../src/node/diagnostics-thread.ts';
import { Spinner } from '../fixtures/spinning.ts';
import { dumpNaming } from '../helpers/stack-dumps.ts';
import { askDiagnostics } from '../helpers/diagnostics-request.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const THREAD_MODULE = new URL('../../src/node/diagnostics-thread.ts', import.meta.url).href;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** How many worker threads this thread has started. */
const workerThreads = (): number =>
  (process.report.getReport() as { workers: unknown[] }).workers.length;

describe('the parent watchdog', () => {
  // A process the watchdog failed to kill spins for ever: killed here even when the test
  // times out, which leaves its own code waiting.
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('kills a process whose main thread spins once its parent is not the one it was given', async () => {
    // The parent it is given (pid 1) is not its parent: as if its launcher had died.
    // The script is CommonJS (no --input-type: a worker inherits its process's flags).
    const code =
      `import(${JSON.stringify(THREAD_MODULE)}).then(({ watchParent }) => {\n` +
      `  setInterval(() => undefined, 1000);\n` +
      `  watchParent(1).thread.once('online', () => {\n` +
      `    process.stdout.write('spinning\\n');\n` +
      `    for (;;);\n` +
      `  });\n` +
      `});\n`;
    const child = spawn(
      process.execPath,
      ['--conditions=launchpad-ts-source', '--import', TSX, '-e', code],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    try {
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (output += chunk));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        child.once('exit', (_code, exitSignal) => {
          resolve(exitSignal);
        });
      });
      expect(output).toBe('spinning\n');
      expect(signal).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
  });

  // Inside a worker thread neither starts: the inspector would reach another thread.
  it.skipIf(!isMainThread)('answers diagnostics once asked, as the only thread', async () => {
    const before = workerThreads();
    const watchdog = watchParent(process.ppid);
    try {
      expect(watchdog).toBeDefined();
      const address = await startDiagnosticsThread('the-secret', {}, watchdog);
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      if (address === undefined) return;
      expect(await askDiagnostics(address, { secret: 'not-it', op: 'stack' })).toEqual({
        error: 'wrong secret',
      });
      const answer = await askDiagnostics(address, { secret: 'the-secret', op: 'stack' });
      expect((answer['stack'] as { pid?: unknown }).pid).toBe(process.pid);
      expect(workerThreads()).toBe(before + 1);
    } finally {
      await watchdog?.thread.terminate();
    }
  });

  // A tmux window's node keeps its watchdog (no parent-death signal is armed there).
  it.skipIf(!hasTmux && process.env['CI'] === undefined)(
    'answers a stack dump of a node in a tmux window blocked in a busy loop',
    async () => {
      const program = new lp.Program('watched');
      const spinner = program.addNode(new lp.ServiceNode(Spinner), 'spinner');
      const running = lp.launch(program, {
        launchType: 'processes',
        output: 'tmux',
        stderr: new PassThrough(),
        terminationGraceMs: 500,
      });
      try {
        await running.ready;
        // A dump while it idles first: the node registers its diagnostics just after it
        // registers itself, and a node that spins before then can never say where they are.
        await running.stackDump('spinner/0');
        await running.client(spinner).spin();
        expect(await dumpNaming(running, 'spinner/0', 'spinForever')).toMatch(/^node spinner\/0: /);
      } finally {
        await running.stop();
      }
    },
  );
});
