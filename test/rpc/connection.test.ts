/**
 * Frames written in one synchronous run are coalesced; none may be lost when the process
 * exits right after sending them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceDispatch } from '../../src/model/service-dispatch.ts';
import { RpcServer } from '../../src/rpc/server.ts';

const started: { kill(): unknown }[] = [];
afterEach(async () => {
  for (const item of started.splice(0)) await item.kill();
});

describe('Connection', () => {
  it('flushes frames still corked when the process exits right after sending', async () => {
    const words: string[] = [];
    const recorder = {
      record(word: string): void {
        words.push(word);
      },
    };
    const server = await RpcServer.listen({
      secret: 'exit-secret',
      nodeId: 'recorder/0',
      dispatch: serviceDispatch(recorder, 'recorder/0'),
    });
    started.push({ kill: () => server.close() });
    const script = fileURLToPath(new URL('fixtures/exit-after-send.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, server.address, 'exit-secret'],
      {
        stdio: 'inherit',
      },
    );
    started.push({ kill: () => child.kill('SIGKILL') });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    await vi.waitFor(() => {
      expect(words).toEqual(['connected', 'one', 'two', 'three']);
    });
  });
});
