/**
 * @module
 * {@link nodeCommand}: the start of a `launchpad-ts` command that acts on one node of a
 * running launch (`stack`, `profile`): its `<node>` argument and its `--launch` option.
 */
import type { Command } from 'commander';
import { LAUNCH_OPTION } from './launch-target.ts';

/** Adds the command `name` acting on one node of a launch to `cli`; returns it. */
export function nodeCommand(cli: Command, name: string, description: string): Command {
  return cli
    .command(name)
    .description(description)
    .argument('<node>', 'the node id, e.g. learner/0 (see launchpad-ts status)')
    .option(LAUNCH_OPTION.flags, LAUNCH_OPTION.description);
}
