/**
 * Nodes on this host boot while their TypeScript code compiles: under `threads` and
 * `processes` every node is started before the launcher has compiled the program's
 * TypeScript modules, and a node's spec (which names its compiled module) is answered once
 * they are. A compile that fails then fails the launch with its own error and ends the
 * nodes. Order is read from the launcher's start phases (`launchpad-ts:launch-start`).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { makeServicesProgram } from '../../fixtures/services.ts';

const CHANNEL = 'launchpad-ts:launch-start';

interface Phase {
  readonly phase: string;
  readonly nodeId?: string;
}

let listener: ((message: unknown) => void) | undefined;
const scratch: string[] = [];
afterEach(() => {
  if (listener !== undefined) unsubscribe(CHANNEL, listener);
  listener = undefined;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Records the launcher's start phases, calling `onPhase` with each as it comes. */
function recordPhases(onPhase: (phase: Phase) => void = () => undefined): Phase[] {
  const phases: Phase[] = [];
  listener = (message) => {
    phases.push(message as Phase);
    onPhase(message as Phase);
  };
  subscribe(CHANNEL, listener);
  return phases;
}

describe.each(['threads', 'processes'] as const)('under %s', (launchType) => {
  it('starts every node before the TypeScript code is compiled, and runs it', async () => {
    const phases = recordPhases();
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType });
    expect(await running.client(echo).add(2, 3)).toBe(5);
    const names = phases.map(({ phase }) => phase);
    const started = phases.filter(({ phase }) => phase === 'node-starting');
    expect(started.map(({ nodeId }) => nodeId).sort()).toEqual(['echo/0', 'ping/0', 'pong/0']);
    expect(names.indexOf('code-compiled')).toBeGreaterThan(names.lastIndexOf('node-starting'));
  }, 60_000);

  it('fails the launch with the compile error when the code does not compile, ending the nodes', async () => {
    // A node class in a module of its own, which disappears once its export is found and
    // before it is compiled: the compile fails after the nodes have started.
    const dir = mkdtempSync(join(tmpdir(), 'lp-compile-race-'));
    scratch.push(dir);
    const file = join(dir, 'doomed.ts');
    writeFileSync(file, 'export class Doomed {\n  ping(): number {\n    return 1;\n  }\n}\n');
    const { Doomed } = (await import(pathToFileURL(file).href)) as {
      Doomed: new () => { ping(): number };
    };
    const phases = recordPhases(({ phase }) => {
      if (phase === 'control-plane-up') rmSync(file);
    });
    const program = new lp.Program('compile-race');
    program.addNode(new lp.ServiceNode(Doomed), 'doomed');
    const running = lp.launch(program, { launchType });
    const error = await running.wait().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(lp.LaunchpadError);
    expect(String(error)).toContain(`Node code ${file} could not be compiled`);
    expect(phases.some(({ phase }) => phase === 'node-starting')).toBe(true);
    expect(phases.some(({ phase }) => phase === 'code-compiled')).toBe(false);
  }, 60_000);
});
