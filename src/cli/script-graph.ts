/**
 * @module
 * {@link readScriptGraph}: the graph of the program a user's script launches, read by
 * running the script with {@link GRAPH_OUTPUT_ENV} set, so that its `launch()` writes the
 * graph and exits before any node starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GRAPH_OUTPUT_ENV } from '../launcher/graph-export.ts';
import type { ProgramGraph } from '../model/program-graph.ts';
import { CliError } from './cli-error.ts';
import { scriptNodeArgs } from './script-command.ts';

/** How the script ended. */
interface ScriptEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/**
 * Runs `script` with `args` and returns the graph of the program it passes to `launch()`.
 * The script's own output goes to stderr, so stdout carries only the graph.
 *
 * @param timeoutMs - how long the script may take to reach `launch()`
 * @throws CliError when the script fails, ends without calling `launch()`, or takes longer
 */
export async function readScriptGraph(
  script: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<ProgramGraph> {
  const path = resolve(script);
  const nodeArgs = scriptNodeArgs(path, args);
  const folder = mkdtempSync(join(tmpdir(), 'launchpad-graph-'));
  const output = join(folder, 'graph.json');
  try {
    const end = await runScript(
      nodeArgs,
      { ...process.env, [GRAPH_OUTPUT_ENV]: output },
      timeoutMs,
    );
    if (existsSync(output)) return JSON.parse(readFileSync(output, 'utf8')) as ProgramGraph;
    throw new CliError(explainNoGraph(script, end, timeoutMs));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function runScript(
  nodeArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ScriptEnd> {
  return new Promise((settle, reject) => {
    const child = spawn(process.execPath, nodeArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      settle({ code, signal, timedOut });
    });
  });
}

function explainNoGraph(script: string, end: ScriptEnd, timeoutMs: number): string {
  if (end.timedOut) {
    return (
      `Script ${script} did not call launch() within ${timeoutMs / 1000} s, so it was stopped. ` +
      'If it prepares for long before launching, raise --timeout.'
    );
  }
  if (end.code === 0) {
    return (
      `Script ${script} finished without calling launch(): launchpad-ts graph shows the ` +
      'program a script passes to launch(). Pass the script that launches your program ' +
      '(with its own arguments after --).'
    );
  }
  const how = end.signal === null ? `with exit code ${end.code}` : `on signal ${end.signal}`;
  return `Script ${script} failed ${how} before calling launch(); its output is above.`;
}
