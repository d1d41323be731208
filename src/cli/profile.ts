/**
 * @module
 * `launchpad-ts profile <node>`: a CPU profile of a node of a running launch, written as a
 * `.cpuprofile` file for Chrome DevTools or speedscope; also while the node's event loop
 * is blocked in a busy loop.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { nodePath } from './launch-api.ts';
import { targetLaunch } from './launch-target.ts';
import { nodeCommand } from './node-command.ts';

interface ProfileOptions {
  readonly launch?: string;
  readonly ms: number;
  readonly output?: string;
}

/** The longest profile the launch API takes, in milliseconds. */
const MAX_PROFILE_MS = 60_000;

/** A profile's duration: a whole number of milliseconds the launch API accepts. */
function duration(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > MAX_PROFILE_MS) {
    throw new InvalidArgumentError(
      `Expected a whole number of milliseconds from 1 to ${String(MAX_PROFILE_MS)}, got "${value}".`,
    );
  }
  return number;
}

/** The file a profile is written to when no `-o` is given: named after the node and now. */
function defaultFile(nodeId: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `${nodeId.replace(/\//g, '-')}-${stamp}.cpuprofile`;
}

/** Adds `profile` to the `launchpad-ts` command. */
export function registerProfile(cli: Command): void {
  nodeCommand(cli, 'profile', "record a node's CPU profile and write it as a .cpuprofile file")
    .option('--ms <milliseconds>', 'how long to record, up to 60000', duration, 2_000)
    .option('-o, --output <file>', 'where to write it [default: <node>-<time>.cpuprofile]')
    .addHelpText(
      'after',
      `
Open the file in Chrome DevTools (Performance, Load profile) or at https://speedscope.app.

Example:
  $ launchpad-ts profile learner/0 --ms 5000 -o learner.cpuprofile`,
    )
    .action(async (node: string, options: ProfileOptions) => {
      const api = targetLaunch(options.launch);
      const profile = await api.json<unknown>(
        `/api/nodes/${nodePath(node)}/profile?ms=${String(options.ms)}`,
        // The recording itself, then the time a loaded node takes to answer.
        { method: 'POST', timeoutMs: options.ms + 30_000 },
      );
      const file = resolve(options.output ?? defaultFile(node));
      writeFileSync(file, JSON.stringify(profile));
      process.stdout.write(`${file}\n`);
    });
}
