/**
 * Ape-X DQN with the PyTorch learner (`examples/apex_dqn_torch`): the learner's arithmetic
 * checked by its own unittest, and a small seeded run in which the TypeScript actors,
 * replay and evaluator train through the Python learner: the greedy policy must improve
 * within a budget of learner steps (not of time); the command as a user runs it, under
 * `processes` with `--lp_python`, to a low target; and a learner whose process is
 * SIGKILLed coming back from its checkpoint; an interpreter without torch is refused at
 * launch(). Needs an interpreter with torch (Debian:
 * python3-torch): `LP_TEST_PYTHON` or `/usr/bin/python3`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../examples/apex_dqn/config.ts';
import { makeProgram } from '../../examples/apex_dqn_torch/program.ts';
import { TEST_PYTHON as PYTHON } from '../python/python-interpreter.ts';
import { runScript } from '../helpers/scripts.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { bestReturnWithin, curveLines, launchesInWorkdirs } from '../helpers/apex-runs.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/apex_dqn_torch', import.meta.url));

describe('apex_dqn_torch', () => {
  const launch = launchesInWorkdirs();

  it('passes its Python checks (targets, loss, parameter layout)', () => {
    const result = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', EXAMPLE_DIR], {
      encoding: 'utf8',
      // No bytecode cache left in the examples folder.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/Ran \d+ tests/);
  }, 90_000);

  it('is refused at launch, before any node starts, by an interpreter without torch', () => {
    const { program } = makeProgram({ ...DEFAULT_CONFIG, numActors: 1 });
    // The test interpreter with torch hidden: its sitecustomize marks the module absent.
    const hidden = mkdtempSync(join(tmpdir(), 'apex-no-torch-'));
    try {
      writeFileSync(join(hidden, 'sitecustomize.py'), 'import sys\nsys.modules["torch"] = None\n');
      const python = join(hidden, 'python3');
      writeFileSync(
        python,
        `#!/bin/sh\nPYTHONPATH="${hidden}\${PYTHONPATH:+:$PYTHONPATH}" exec ${PYTHON} "$@"\n`,
      );
      chmodSync(python, 0o755);
      expect(() => lp.launch(program, { launchType: 'processes', python })).toThrow(
        new RegExp(`"${python}" \\(.*\\) has no module torch \\(required by learner/0\\)`),
      );
    } finally {
      rmSync(hidden, { recursive: true, force: true });
    }
  });

  it('learns through the Python learner within 2,000 learner steps', async () => {
    const config = { ...DEFAULT_CONFIG, numActors: 2, seed: 3, evalEveryMs: 0, minReplay: 500 };
    const { program, learner, evaluator } = makeProgram(config);
    const { running, workdir } = await launch(
      program,
      { launchType: 'in-process', python: PYTHON },
      'apex-dqn-torch-test-',
    );
    const { before, best } = await bestReturnWithin(
      running,
      { learner, evaluator },
      [500, 1_000, 1_500, 2_000],
    );
    expect(before.learnerSteps).toBe(0);
    // An untrained greedy policy falls within about 10 steps; a learning one holds far
    // longer. In 12 runs on the loaded machine the best of these evaluations was 146 to
    // 450 (some runs stay near 150 for thousands of steps before they climb): 100 keeps a
    // margin and still says the policy learned.
    expect(before.meanReturn).toBeLessThan(40);
    expect(best).toBeGreaterThanOrEqual(100);
    const curve = curveLines(workdir);
    expect(curve[0]).toBe('seconds,env_steps,learner_steps,mean_return');
    expect(curve).toHaveLength(6);
  }, 180_000);

  it('runs as a user runs it, under processes, to its final JSON line', async () => {
    // A low target, reached within about 1,000 learner steps; the time limit only stops a
    // run that hangs, and the assertions are on what the run reports, not on its time.
    const { code, stdout, stderr } = await runScript('examples/apex_dqn_torch/main.ts', [
      '--lp_launch_type=processes',
      `--lp_python=${PYTHON}`,
      '--lp_time_limit=240',
      '--seed=3',
      '--target_return=100',
      '--eval_every_ms=2000',
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(report, stdout).toMatchObject({ solved: true, actors: 2, launchType: 'processes' });
    expect(report['score']).toBeGreaterThanOrEqual(100);
    expect(report['learnerSteps']).toBeGreaterThan(0);
  }, 300_000);

  it('resumes from its checkpoint after its process is SIGKILLed, and actors follow it', async () => {
    const config = {
      ...DEFAULT_CONFIG,
      seed: 4,
      evalEveryMs: 0,
      minReplay: 500,
      checkpointEveryMs: 200,
    };
    const { program, learner } = makeProgram(config);
    const { running: launched, workdir } = await launch(
      program,
      { launchType: 'in-process', python: PYTHON, restart: { mode: 'on-failure', backoffMs: 0 } },
      'apex-dqn-torch-restart-',
    );
    const client = launched.client(learner);
    await client.waitForSteps(300);
    const checkpoint = join(workdir, 'apex_dqn_torch', 'learner.pt');
    await waitUntil(() => existsSync(checkpoint), "the learner's first checkpoint");
    const before = await client.fetchVariables(0);
    const learnerPid = (): number | undefined =>
      launched.metrics().nodes.find((node) => node.nodeId === 'learner/0')?.process?.pid;
    await waitUntil(() => learnerPid() !== undefined, "the learner's process in the metrics");
    const pid = learnerPid();
    if (pid === undefined || pid <= 0) throw new Error(`No process id for learner/0: ${pid}`);
    process.kill(pid, 'SIGKILL');
    // Calls may meet the dead process (UNAVAILABLE) until its successor answers.
    let restored: string | null = null;
    await waitUntil(async () => {
      restored = await client.restoredFrom().catch(() => null);
      return restored !== null;
    }, 'the restarted learner');
    expect(restored).toBe(checkpoint);
    expect(launched.nodes().get('learner/0')).toMatchObject({ restarts: 1 });
    // It goes on from the checkpoint's step count (taken after its first steps), not from
    // zero, and publishes versions newer than any reader saw before the kill, so the
    // actors' next fetch takes its parameters; and it trains on.
    const after = await client.fetchVariables(0);
    expect(after?.version).toBeGreaterThan(before?.version ?? Infinity);
    const resumedAt = await client.steps();
    expect(resumedAt).toBeGreaterThan(0);
    await client.waitForSteps(resumedAt + 100);
  }, 180_000);
});
