/**
 * @module
 * The `toy` backend: how to start one node (a process of its own, its output prefixed on
 * the launch's streams). The launch session does all the rest: the control plane, restart
 * policies, stop, signals and the release.
 */
import type { BackendFactory } from '../../../../src/launcher/session/launch-setup.ts';
import { startNodeProcess } from '../../../../src/spawn/node-process.ts';

/** The backend that runs each of `setup`'s nodes in a process of its own. */
export const toyBackend: BackendFactory = ({ options }) => ({
  start: ({ bootstrap, args, resources, index }) =>
    startNodeProcess({
      bootstrap,
      args,
      resources,
      output: { mode: 'terminal', stdout: options.stdout, stderr: options.stderr, index },
    }),
});
