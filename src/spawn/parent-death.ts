/**
 * @module
 * Makes the kernel kill a node process the instant the process that started it dies
 * (Linux's parent-death signal, `PR_SET_PDEATHSIG`, set by util-linux's `setpriv` just
 * before it becomes Node.js). Nothing in the node has to run for this: a node process
 * still loading its code, which takes seconds on a busy machine, dies with its launcher
 * all the same. The signal is armed a moment after the fork, so a shell then checks that
 * the parent is still the one that started it (a starter that died in between has left
 * an orphan, which exits) before it becomes Node.js. Where `setpriv` is missing, the
 * node's own checks (its parent pid at start, the parent watchdog, the control
 * connection) remain, a little later.
 */
import { childProcess } from '../internal/lazy-builtins.ts';

let setprivPath: string | null | undefined;

function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux') {
    const probe = childProcess().spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.includes('--pdeathsig')) setprivPath = 'setpriv';
  }
  return setprivPath;
}

/**
 * The command and arguments that run `command args` so that the kernel sends it SIGKILL
 * when this process (more exactly, its main thread, which starts every child) dies;
 * `killedWithParent` says whether that could be arranged (it cannot without `setpriv`).
 */
export function dyingWithParent(
  command: string,
  args: readonly string[],
): { command: string; args: string[]; killedWithParent: boolean } {
  const wrapper = setpriv();
  if (wrapper === null) return { command, args: [...args], killedWithParent: false };
  return {
    killedWithParent: true,
    command: wrapper,
    args: [
      '--pdeathsig',
      'KILL',
      '--',
      '/bin/sh',
      '-c',
      // $PPID is the shell's parent when it starts, after the signal is armed.
      '[ "$PPID" = "$1" ] || exit 1; shift; exec "$@"',
      'launchpad-ts-node',
      String(process.pid),
      command,
      ...args,
    ],
  };
}
