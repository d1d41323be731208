/**
 * `logs` on an `in-process` launch, whose nodes print straight to the launcher's own
 * output: the launch keeps no lines per node, and the command says so instead of
 * printing nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { Echo } from '../fixtures/services.ts';

let stateDir = '';
let previous: string | undefined;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'lp-cli-inprocess-'));
  previous = process.env['LP_STATE_DIR'];
  process.env['LP_STATE_DIR'] = stateDir;
});

afterEach(() => {
  if (previous === undefined) Reflect.deleteProperty(process.env, 'LP_STATE_DIR');
  else process.env['LP_STATE_DIR'] = previous;
  rmSync(stateDir, { recursive: true, force: true });
});

describe('launchpad-ts logs on an in-process launch', () => {
  it('says why it has no lines to show, with exit code 1', async () => {
    const program = new lp.Program('quiet');
    program.addNode(new lp.ServiceNode(Echo), 'echo');
    const running = lp.launch(program, {
      launchType: 'in-process',
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    try {
      await running.ready;
      await running.dashboardUrl();
      const id = basename(running.workdir);
      const run = await runCli(['logs', 'echo/0', '--launch', id], {
        LP_STATE_DIR: stateDir,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `Launch ${id} runs its nodes in-process: they print straight to the launcher's own stdout and stderr`,
      );
    } finally {
      await running.stop();
    }
  }, 60_000);
});
