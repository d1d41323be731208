/**
 * The launch the CLI's `status`, `logs`, `stack` and `stop` tests act on: a real launch of
 * a small program under `processes` ({@link startCliTarget}), recorded in a registry of its
 * own: `echo/0` prints {@link READY_LINE} when built and what its `say(text)` is given;
 * `spinner/0` spins in a busy loop in a function named {@link SPIN_FUNCTION}. The stand-in
 * launch API ({@link startFakeTarget}) is for node states a real launch cannot be put in
 * on demand (`status --diagnose`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basename } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { startFakeLaunchApi, type FakeLaunchApi, type FakeNode } from './fake-launch-api.ts';
import { makeCliTargetProgram } from '../fixtures/cli-target.ts';
import { ROOT } from './scripts.ts';

export { READY_LINE } from '../fixtures/cli-target.ts';
/** The function `spinner/0` spins in. */
export const SPIN_FUNCTION = 'spinForever';

/** A launch for the CLI to act on, recorded in a registry of its own. */
export interface CliTarget {
  /** The environment that points the CLI at this launch's registry. */
  readonly env: { readonly LP_STATE_DIR: string };
  /** The registry's state folder. */
  readonly stateDir: string;
  readonly launchId: string;
  readonly nodeIds: readonly string[];
  /** Makes `echo/0` print a line. */
  print(text: string): Promise<void>;
  /** Resolves once the launch was asked to stop. */
  stopped(): Promise<void>;
  /** Ends the launch and removes the registry. */
  readonly close: () => Promise<void>;
}

/** Writes a registry record for a launch served at `api`. */
export function writeRegistryRecord(
  stateDir: string,
  launch: { id: string; programName: string; workdir: string },
  api: { url: string; token: string },
  extra: Record<string, unknown> = {},
): void {
  const folder = join(stateDir, 'launches');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const record = {
    ...launch,
    launchType: 'processes',
    // A script of this repository: the CLI, run from here, takes it for this project's.
    script: join(ROOT, 'main.ts'),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: api.url,
    token: api.token,
    ...extra,
  };
  writeFileSync(join(folder, `${launch.id}.json`), JSON.stringify(record), { mode: 0o600 });
}

/** A stand-in launch with these nodes, recorded in a fresh registry. */
export async function startFakeTarget(nodes: FakeNode[]): Promise<{
  api: FakeLaunchApi;
  stateDir: string;
  launchId: string;
  close: () => Promise<void>;
}> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lp-cli-target-'));
  const launch = { id: 'cli_target-1', programName: 'cli_target', workdir: join(stateDir, 'wd') };
  const api = await startFakeLaunchApi(launch, nodes);
  writeRegistryRecord(stateDir, launch, api);
  return {
    api,
    stateDir,
    launchId: launch.id,
    close: async () => {
      await api.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A node of the stand-in, running, with no restarts. */
export function fakeNode(id: string, stack: string, logs: string[] = []): FakeNode {
  return {
    id,
    state: 'running',
    restarts: 0,
    stack,
    logs: logs.map((text) => ({ t: new Date().toISOString(), stream: 'stdout', text })),
  };
}

/**
 * Launches the program the CLI's tests act on, with the launch registry in a fresh
 * folder (the launcher writes its record there at the start and at the end).
 */
export async function startCliTarget(): Promise<CliTarget> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lp-cli-target-'));
  const previous = process.env['LP_STATE_DIR'];
  process.env['LP_STATE_DIR'] = stateDir;
  const { program, echo } = makeCliTargetProgram();
  const running = lp.launch(program, {
    launchType: 'processes',
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    // The spinner never sees the stop: it is killed after this.
    terminationGraceMs: 1_000,
  });
  const ended = running.wait().catch(() => undefined);
  const close = async (): Promise<void> => {
    await running.stop().catch(() => undefined);
    await ended;
    if (previous === undefined) Reflect.deleteProperty(process.env, 'LP_STATE_DIR');
    else process.env['LP_STATE_DIR'] = previous;
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await running.ready;
    // The registry record is written once the launch API listens.
    await running.dashboardUrl();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    env: { LP_STATE_DIR: stateDir },
    stateDir,
    launchId: basename(running.workdir),
    nodeIds: program.nodes.map((node) => node.id),
    print: (text) => running.client(echo).say(text),
    stopped: () => ended,
    close,
  };
}
