/**
 * What runs in a node: only the node's own code and the top level of the module that
 * exports it, never the launcher's code, under every local launch type.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runScript } from '../helpers/scripts.ts';

// Each case starts a script and its nodes, which takes long on a loaded machine.
const SCRIPT_TIMEOUT_MS = 150_000;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe.each(['threads', 'processes'] as const)('under %s', (launchType) => {
  const flag = `--lp_launch_type=${launchType}`;

  it(
    'runs the code in lp.main() in the launcher only, and running.stop() stops the program',
    async () => {
      const { code, stdout, stderr } = await runScript('test/fixtures/scripts/single-file.ts', [
        flag,
      ]);
      expect(code, stderr).toBe(0);
      const launcher = /launcher code pid=(\d+) thread=(\d+)/.exec(stdout);
      expect(count(stdout, /launcher code/g)).toBe(1);
      expect(launcher?.[2]).toBe('0');
      expect(count(stdout, /launcher done/g)).toBe(1);
      expect(stdout).toContain(`launcher done pid=${launcher?.[1] ?? ''} thread=0`);
      // The echo node answered from elsewhere, and the stop reached the other node.
      expect(stdout).toMatch(/echo answered from pid=\d+ thread=\d+/);
      expect(stdout).not.toContain(`echo answered from pid=${launcher?.[1] ?? ''} thread=0`);
      expect(stdout).toMatch(/waiter saw the stop/);
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'refuses a main script that defines node code and launches at its top level',
    async () => {
      const { code, stdout, stderr } = await runScript(
        'test/fixtures/scripts/top-level-launch.ts',
        [flag],
      );
      expect(code).not.toBe(0);
      expect(stderr).toContain('Node echo/0: class Echo is defined in the main script');
      expect(stderr).toContain('lp.main(');
      expect(count(stdout, /after launch/g)).toBe(1);
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'says why first on stderr when a one-file script forgets lp.main() and awaits a call',
    async () => {
      const { code, stderr } = await runScript('test/fixtures/scripts/forgot-main.ts', [flag]);
      expect(code).not.toBe(0);
      const explanation = stderr.indexOf(
        'Node producer/0: class Producer is defined in the main script',
      );
      expect(explanation, stderr).toBeGreaterThanOrEqual(0);
      expect(stderr).toContain('lp.main(');
      // Before anything else the launcher or the failed call says.
      expect(stderr.slice(0, explanation)).not.toMatch(/cancelled|Error/);
    },
    SCRIPT_TIMEOUT_MS,
  );
});

describe.each(['in-process', 'threads', 'processes'] as const)('under %s', (launchType) => {
  it(
    'refuses a main script that defines node code and launches at its top level, with the same message',
    async () => {
      const { code, stderr } = await runScript('test/fixtures/scripts/top-level-launch.ts', [
        `--lp_launch_type=${launchType}`,
      ]);
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        'Node echo/0: class Echo is defined in the main script ' +
          `${ROOT}test/fixtures/scripts/top-level-launch.ts, which node processes import to reach it`,
      );
      expect(stderr).toContain('Put the code that launches the program in lp.main(');
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'runs a script that launches two programs one after the other',
    async () => {
      const { code, stdout, stderr } = await runScript('test/fixtures/scripts/two-programs.ts', [
        `--lp_launch_type=${launchType}`,
      ]);
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('first answered first');
      expect(stdout).toContain('second answered second');
      expect(stdout).toContain('both done');
    },
    SCRIPT_TIMEOUT_MS,
  );
});
