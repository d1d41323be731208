/**
 * README command 1, `npm start`, runs the Ape-X DQN example with 2 actors under
 * `processes` with the dashboard on: it says the dashboard's URL first, learns, ends with
 * its JSON line and exits 0. Run here as npm runs it, from the sources, with a lower
 * target so that the test stays short (the full run reaches 475 in 8–18 s at load 5–7).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runScript } from '../helpers/scripts.ts';

const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('npm start', () => {
  it('runs Ape-X DQN under processes with the dashboard, URL first, and ends with its JSON line', async () => {
    const [tool, script, ...args] = (scripts['start'] ?? '').split(' ');
    expect(tool).toBe('tsx');
    expect(script).toBe('examples/apex_dqn/main.ts');
    expect(args).toEqual(['--num_actors=2', '--lp_launch_type=processes', '--lp_dashboard']);
    const { code, stdout, stderr } = await runScript(script!, [...args, '--target_return=100']);
    expect(code, stderr).toBe(0);
    expect(stderr.split('\n')[0]).toMatch(
      /^launchpad-ts: dashboard at http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/,
    );
    const report = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(report).toMatchObject({ solved: true, actors: 2, launchType: 'processes' });
  }, 240_000);
});
