/**
 * @module
 * The launcher's check of the Python interpreter, before any node starts, for a program
 * that holds Python nodes: the interpreter runs, is Python ≥ 3.10, and imports `numpy`,
 * and the `launchpad_ts` package shipped with launchpad-ts, and finds the modules the
 * nodes require (`PythonNode.requires`). A failure names the interpreter tried and what
 * to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LaunchpadError } from '../../errors/errors.ts';
import type { Program } from '../../model/program.ts';
import { isPythonNode } from '../../model/python-node.ts';
import { pythonNodeCommand } from '../../spawn/python-command.ts';
import type { LaunchType } from '../options/launch-types.ts';

// An interpreter that passed once passes again: launches in one process check it once.
const passed = new Set<string>();

// numpy and launchpad_ts are imported (a broken numpy fails here, not in a node); the
// nodes' own modules are only found (importing torch would take seconds). The modules
// come as the probe's arguments.
const PROBE = [
  'import importlib.util, sys',
  'print(sys.executable, "%d.%d.%d" % sys.version_info[:3])',
  'assert sys.version_info >= (3, 10), "old"',
  'missing = []',
  'for name in ("numpy", "launchpad_ts"):',
  '    try:',
  '        __import__(name)',
  '    except ImportError:',
  '        missing.append(name)',
  'for name in sys.argv[1:]:',
  '    try:',
  '        found = importlib.util.find_spec(name) is not None',
  '    except ImportError:',
  '        found = False',
  '    if not found:',
  '        missing.append(name)',
  'print(" ".join(missing))',
].join('\n');

const INSTALL =
  'On Debian or Ubuntu: apt install python3 python3-numpy (for /usr/bin/python3); ' +
  'elsewhere, in a venv: python3 -m venv .venv && .venv/bin/pip install numpy, then pass ' +
  '--lp_python=.venv/bin/python (or launch(program, { python }))';

/**
 * Checks that `interpreter` can run `program`'s Python nodes; does nothing for a program
 * without any.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` naming the interpreter and what to install,
 * or the node whose `.py` file is missing; under `slurm` and `kubernetes` the interpreter
 * is the hosts' or the image's own, and not checked here
 */
export function checkPythonNodes(
  program: Program,
  interpreter: string,
  launchType: LaunchType,
): void {
  const nodes = program.nodes.filter(isPythonNode);
  if (nodes.length === 0) return;
  for (const colocation of program.colocations) {
    const inside = nodes.filter((node) => colocation.nodeIds.includes(node.id));
    if (inside.length > 0) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Python node ${inside.map((node) => node.id).join(', ')} cannot be colocated: a colocation runs ` +
          'Node.js nodes in one process, and a Python node is a Python process of its own. Add it to the program directly.',
      );
    }
  }
  for (const node of nodes) {
    if (!existsSync(node.file)) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Node ${node.id} (PythonNode ${node.className}): its file ${node.file} does not exist.`,
      );
    }
  }
  // A Slurm job's hosts and a Kubernetes Pod's image have interpreters of their own: a
  // task that cannot start one reports it as its node's failure (node/python-task.ts),
  // and a Pod whose image has none fails with the container's reason.
  const required = [...new Set(nodes.flatMap((node) => node.requiredModules))].sort();
  const key = [interpreter, ...required].join('\0');
  if (launchType === 'slurm' || launchType === 'kubernetes' || passed.has(key)) return;
  const who = `Program ${program.name} has Python nodes (${nodes.map((node) => node.id).join(', ')})`;
  const { command, args, env } = pythonNodeCommand(interpreter, process.env['PYTHONPATH']);
  const probe = spawnSync(command, [...args.slice(0, 1), '-c', PROBE, ...required], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${who}, but the Python interpreter "${interpreter}" ${code === 'ENOENT' ? 'was not found' : `could not run (${probe.error.message})`}. ` +
        `Python nodes need Python ≥ 3.10 with numpy. ${INSTALL}.`,
    );
  }
  const [identity = interpreter, missingLine = ''] = probe.stdout.split('\n');
  if (probe.status !== 0) {
    const old = probe.stderr.includes('AssertionError: old');
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${who}, but the Python interpreter "${interpreter}" ${old ? `is ${identity}, older than 3.10` : `failed: ${probe.stderr.trim().split('\n').at(-1) ?? `exit ${String(probe.status)}`}`}. ` +
        `Python nodes need Python ≥ 3.10 with numpy. ${INSTALL}.`,
    );
  }
  const missing = missingLine.trim().split(' ').filter(Boolean);
  // launchpad_ts imports numpy: name it first, it is what to install.
  const modules = missing.filter((name) => name !== 'launchpad_ts' && !required.includes(name));
  if (modules.length > 0) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${who}, but the Python interpreter "${interpreter}" (${identity}) has no module ${modules.join(' or ')}. ` +
        `Install ${modules.join(' and ')} for it, or pick another interpreter. ${INSTALL}.`,
    );
  }
  if (missing.includes('launchpad_ts')) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${who}, but the Python interpreter "${interpreter}" (${identity}) cannot import launchpad_ts from ${env['PYTHONPATH'] ?? ''}: the package's python/ directory is missing from this launchpad-ts installation.`,
    );
  }
  const absent = required.filter((name) => missing.includes(name));
  if (absent.length > 0) {
    const needing = (name: string): string =>
      `${name} (required by ${nodes
        .filter((node) => node.requiredModules.includes(name))
        .map((node) => node.id)
        .join(', ')})`;
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${who}, but the Python interpreter "${interpreter}" (${identity}) has no module ${absent.map(needing).join(' and no module ')}. ` +
        `Install the package that provides ${absent.join(' and ')} for that interpreter (with pip in its venv; for Debian's /usr/bin/python3, ` +
        `with apt, such as python3-torch), or pick another interpreter: --lp_python=PATH (or launch(program, { python })).`,
    );
  }
  passed.add(key);
}
