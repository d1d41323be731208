/**
 * The launch the CLI's `status`, `logs`, `stack` and `stop` tests act on, from one function,
 * {@link startCliTarget}, so that switching them from the stand-in to a real launch is a
 * change of this file only.
 *
 * Today it is a {@link startFakeLaunchApi} stand-in recorded in a temporary registry. Once
 * the dashboard's launch API is merged, it should launch a real program of the same shape
 * with `LAUNCHPAD_STATE_DIR` set to the temporary folder: `echo/0`, a service that prints
 * {@link READY_LINE} when built and prints what its `say(text)` is given; `spinner/0`, a
 * function node spinning in a busy loop in a function named {@link SPIN_FUNCTION}.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLaunchApi, type FakeLaunchApi, type FakeNode } from './fake-launch-api.ts';

/** What `echo/0` prints once built. */
export const READY_LINE = 'echo ready';
/** The function `spinner/0` spins in. */
export const SPIN_FUNCTION = 'spinForever';

/** A launch for the CLI to act on, recorded in a registry of its own. */
export interface CliTarget {
  /** The environment that points the CLI at this launch's registry. */
  readonly env: { readonly LAUNCHPAD_STATE_DIR: string };
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
    script: '/home/user/main.ts',
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

/** Starts the launch the CLI's tests act on (see the module's note). */
export async function startCliTarget(): Promise<CliTarget> {
  const target = await startFakeTarget([
    fakeNode('echo/0', 'at Echo.say (file:///app/echo.ts:4:5)', [READY_LINE]),
    fakeNode(
      'spinner/0',
      `at ${SPIN_FUNCTION} (file:///app/spinner.ts:3:9)\nat spinner (file:///app/spinner.ts:8:3)`,
    ),
  ]);
  return {
    env: { LAUNCHPAD_STATE_DIR: target.stateDir },
    stateDir: target.stateDir,
    launchId: target.launchId,
    nodeIds: target.api.nodes.map((node) => node.id),
    print: (text) => {
      target.api.print('echo/0', text);
      return Promise.resolve();
    },
    stopped: () => target.api.stopRequested,
    close: target.close,
  };
}
