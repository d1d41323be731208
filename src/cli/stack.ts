/**
 * @module
 * `launchpad-ts stack <node>`: the JavaScript stack a node of a running launch is in right
 * now, even when its event loop is stuck in a busy loop.
 */
import type { Command } from 'commander';
import { nodePath } from './launch-api.ts';
import { targetLaunch } from './launch-target.ts';
import { nodeCommand } from './node-command.ts';
import { positiveNumber } from './option-values.ts';

interface StackOptions {
  readonly launch?: string;
  readonly timeout: number;
}

/** Adds `stack` to the `launchpad-ts` command. */
export function registerStack(cli: Command): void {
  nodeCommand(cli, 'stack', "print a node's current JavaScript stack, one frame per line")
    .option('--timeout <seconds>', 'how long to wait for the stack dump', positiveNumber, 30)
    .addHelpText(
      'after',
      `
Example:
  $ launchpad-ts stack learner/0`,
    )
    .action(async (node: string, options: StackOptions) => {
      const api = targetLaunch(options.launch);
      const { text } = await api.json<{ nodeId: string; text: string }>(
        `/api/nodes/${nodePath(node)}/stack`,
        { method: 'POST', timeoutMs: options.timeout * 1000 },
      );
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
}
