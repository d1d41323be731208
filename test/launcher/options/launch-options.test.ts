/**
 * Launch options are checked by one declarative validator, in one wording that names the
 * option's path, and unknown `restart`/`resources` keys are refused under every launch
 * type, Slurm and Kubernetes included (the checks run in `launch()`, before any backend
 * is loaded, so no cluster is needed here).
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';

function program(): lp.Program {
  const built = new lp.Program('options');
  built.addNode(new lp.FunctionNode(() => undefined), 'worker');
  return built;
}

/** Options each launch type needs to get as far as the shared checks. */
const BASE: Readonly<Record<lp.LaunchType, lp.LaunchOptions>> = {
  'in-process': {},
  threads: {},
  processes: {},
  slurm: {},
  kubernetes: { kubernetes: { defaults: { image: 'node:20' } } },
};

/** `launch()` must refuse `options` with `message`; a launch that starts anyway is stopped. */
async function expectRefused(options: lp.LaunchOptions, message: string | RegExp): Promise<void> {
  let running: lp.RunningProgram | undefined;
  try {
    expect(() => (running = lp.launch(program(), options))).toThrow(message);
  } finally {
    await running?.stop().catch(() => undefined);
  }
}

describe.each(lp.LAUNCH_TYPES)('under %s', (launchType) => {
  const base = { ...BASE[launchType], launchType };

  it('refuses an unknown key of a restart policy, naming it and the allowed ones', async () => {
    await expectRefused(
      { ...base, restart: { worker: { mode: 'on-failure', maxRestart: 2 } as lp.RestartPolicy } },
      'Launch option restart["worker"] has no key "maxRestart"; the allowed keys are: mode, maxRestarts, backoffMs, maxBackoffMs, windowMs, resetAfterMs.',
    );
    await expectRefused(
      { ...base, restart: { mode: 'always', backof: 5 } as lp.RestartPolicy },
      'Launch option restart has no key "backof"; the allowed keys are: mode, maxRestarts, backoffMs, maxBackoffMs, windowMs, resetAfterMs.',
    );
  });

  it('refuses a restart policy for a group or node the program does not have', async () => {
    await expectRefused(
      { ...base, restart: { wroker: { mode: 'always' } } },
      'Launch option restart["wroker"] names no group or node of the program; known: worker, worker/0.',
    );
  });

  it('refuses a wrong restart value, naming its path', async () => {
    await expectRefused(
      { ...base, restart: { 'worker/0': { mode: 'on-failure', maxRestarts: -1 } } },
      'Launch option restart["worker/0"].maxRestarts must be a number ≥ 0, got -1.',
    );
  });

  it('refuses resources for an unknown group, and an unknown resources key', async () => {
    await expectRefused(
      { ...base, resources: { nobody: {} } },
      'Launch option resources["nobody"] names no group or node of the program; known: worker, worker/0.',
    );
    await expectRefused(
      { ...base, resources: { worker: { environment: { A: '1' } } as lp.LocalResources } },
      'Launch option resources["worker"] has no key "environment"; the allowed keys are: env, nodeFlags, cwd.',
    );
  });

  it('refuses an unknown launch option', async () => {
    await expectRefused(
      { ...base, terminationGrace: 5 } as lp.LaunchOptions,
      /^Unknown launch option "terminationGrace"; the launch options are: launchType, terminationGraceMs, /,
    );
  });
});

describe("a launch type's own options", () => {
  it('are checked under that launch type, with the same wording', async () => {
    await expectRefused(
      { launchType: 'slurm', slurm: { defaults: { partition: 'a b' } } },
      'Launch option slurm.defaults.partition must be a partition name, got "a b".',
    );
    await expectRefused(
      { launchType: 'slurm', slurm: { partiton: 'gpu' } as NonNullable<lp.LaunchOptions['slurm']> },
      'Launch option slurm has no key "partiton"; the allowed keys are: defaults, groups, jobName, output, controlHost, advertiseHost, interface, ports, pollIntervalMs.',
    );
    await expectRefused(
      {
        launchType: 'kubernetes',
        kubernetes: { defaults: { image: 'node:20' }, namespace: 'Not_A_Label' },
      },
      'Launch option kubernetes.namespace must be a DNS label, got "Not_A_Label".',
    );
  });
});
