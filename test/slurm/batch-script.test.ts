/**
 * The Slurm batch script and option checks, without Slurm: groups with the same
 * resources share a job component, others become heterogeneous components, and bad
 * options fail naming the option or group.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import {
  jobComponents,
  renderBatchScript,
  shellQuote,
} from '../../src/launcher/backends/slurm/batch-script.ts';
import {
  resolveGroupResources,
  type SlurmOptions,
} from '../../src/launcher/backends/slurm/descriptor/slurm-options.ts';

/** Does nothing. */
export function noop(): void {
  // A node body for programs that are only rendered.
}

function program(): lp.Program {
  const p = new lp.Program('render');
  p.group('actor', () => {
    for (let i = 0; i < 3; i++) p.addNode(new lp.FunctionNode(noop));
  });
  p.addNode(new lp.FunctionNode(noop), 'learner');
  p.addNode(new lp.FunctionNode(noop), 'replay');
  return p;
}

function render(options: SlurmOptions, hold = false): string {
  const p = program();
  return renderBatchScript({
    hold,
    programName: p.name,
    jobName: 'lp-render',
    output: '/dev/null',
    chdir: '/code',
    components: jobComponents(p, resolveGroupResources(p, options)),
    taskCommand: ['node', 'task.ts', "--msg=it's"],
  });
}

describe('the Slurm batch script', () => {
  it('is one plain job when every group has the same resources', () => {
    const script = render({ defaults: { partition: 'debug', time: '10:00' } });
    expect(script).not.toContain('hetjob');
    expect(script).toContain(
      '#SBATCH --ntasks=5\n#SBATCH --cpus-per-task=1\n#SBATCH --time=10:00\n#SBATCH --partition=debug',
    );
    expect(script).toContain(
      `export LP_SLURM_NODE_IDS='["actor/0","actor/1","actor/2","learner/0","replay/0"]'`,
    );
    expect(script).toContain(
      `exec srun --kill-on-bad-exit=1 --label node task.ts '--msg=it'\\''s'`,
    );
  });

  it('makes a heterogeneous component for each distinct set of resources', () => {
    const script = render({
      defaults: { sbatchOptions: ['--qos=normal'] },
      groups: {
        learner: { cpus: 4, memory: '8G', gpus: 1 },
        replay: { cpus: 4, memory: '8G', gpus: 1 },
      },
    });
    expect(script.match(/#SBATCH hetjob/g)).toHaveLength(1);
    expect(script).toContain(
      '# component 1: learner, replay\n#SBATCH --ntasks=2\n#SBATCH --cpus-per-task=4\n#SBATCH --mem-per-cpu=2048M\n#SBATCH --gpus-per-task=1\n#SBATCH --qos=normal',
    );
    expect(script).toContain('srun --het-group=0 --ntasks=3 --kill-on-bad-exit=1');
    expect(script).toContain(': --het-group=1 --ntasks=2 --kill-on-bad-exit=1');
  });

  it('keeps the allocation for restarted nodes while the launcher answers, and lets a failed task end alone', () => {
    const script = render({}, true);
    expect(script).toContain(`srun --kill-on-bad-exit=0 --label node task.ts '--msg=it'\\''s'\n`);
    expect(script).not.toContain('exec srun');
    expect(script).toContain(
      `while timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$LP_SLURM_LAUNCHER_HOST" "$LP_SLURM_LAUNCHER_PORT" 2>/dev/null; do`,
    );
  });

  it('holds no secret: the bootstrap travels in the environment', () => {
    expect(render({})).not.toMatch(/secret|LP_SLURM_BOOTSTRAP/i);
  });

  it('quotes shell words only when needed', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe('Slurm options', () => {
  it.each([
    [
      { groups: { learnr: { cpus: 2 } } },
      'Launch option slurm.groups["learnr"] names no group of program render; its groups are: actor, learner, replay.',
    ],
    [
      { defaults: { cpus: 0 } },
      'Launch option slurm.defaults.cpus must be a positive whole number, got 0.',
    ],
    [
      { groups: { actor: { memory: '4 GB' } } },
      'Launch option slurm.groups["actor"].memory must be megabytes or a size like \'4G\', got "4 GB".',
    ],
    [
      { defaults: { time: 'soon' } },
      'Launch option slurm.defaults.time must be minutes or a time like \'1:30:00\', got "soon".',
    ],
    [
      { defaults: { sbatchOptions: ['qos=x'] } },
      'Launch option slurm.defaults.sbatchOptions[0] must be a single-line flag such as \'--constraint=x\', got "qos=x".',
    ],
  ] as [SlurmOptions, string][])('rejects %j', (options, message) => {
    expect(() => resolveGroupResources(program(), options)).toThrow(message);
  });
});
