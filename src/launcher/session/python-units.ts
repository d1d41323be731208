/**
 * @module
 * Starting a Python node as a local process, whatever the launch type: `processes`,
 * `threads` and `in-process` all run a Python node this way, through the same process
 * start as a Node.js node process (its bootstrap on a pipe, a parent-death signal, its
 * output prefixed on the launch's streams or in its log file).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nodeLogFile } from '../../protocol/colocation-protocol.ts';
import { startNodeProcess, type ProcessOutput } from '../../spawn/node-process.ts';
import { pythonNodeCommand } from '../../spawn/python-command.ts';
import type { ResolvedLaunchOptions } from '../options/launch-options.ts';
import type { UnitStart } from './launch-session.ts';
import { unitEndingWith, type Unit, type UnitEnd } from '../../spawn/unit.ts';

/** Starts `unit`, a Python node, as a process of this host. */
export function startLocalPythonUnit(
  unit: UnitStart,
  options: ResolvedLaunchOptions,
  workdir: string,
): Unit<UnitEnd> {
  let output: ProcessOutput;
  if (options.output === 'output-to-files') {
    const directory = join(workdir, 'logs');
    mkdirSync(directory, { recursive: true });
    output = { mode: 'file', path: nodeLogFile(directory, unit.nodeId) };
  } else {
    output = {
      mode: 'terminal',
      stdout: options.stdout,
      stderr: options.stderr,
      index: unit.index,
    };
  }
  const started = startNodeProcess({
    bootstrap: unit.bootstrap,
    args: [],
    resources: unit.resources,
    output,
    command: pythonNodeCommand(
      options.python,
      unit.resources.env?.['PYTHONPATH'] ?? process.env['PYTHONPATH'],
    ),
  });
  return unitEndingWith(started.exited, () => {
    started.kill();
  });
}
