/**
 * @module
 * `lp.main()`: the one place of a single-file script for the launcher's code. A node
 * process reaches a node's class or function by importing the module that exports it; when
 * that module is the main script itself, everything at its top level runs in the node
 * too, so the code that launches and drives the program goes inside `lp.main()`, which
 * runs it in the launcher only.
 */
import { markMainDeclared, runsNode } from '../node/child-hook.ts';

/**
 * Runs `launcherCode` in the launcher, once the main script has finished loading; does
 * nothing in a node's process or thread. An error thrown by `launcherCode` ends the
 * launcher like an error thrown at a script's top level (printed, exit code 1).
 *
 * Call it last in the script, and do not `await` it: a node process imports the script
 * for the classes and functions it exports, and the launcher imports it too, to check
 * those exports, which waits until the script has finished loading.
 *
 * @example
 * ```ts
 * export class Producer { work(x: number) { return 2 * x; } }
 *
 * lp.main(async () => {
 *   const program = new lp.Program('p');
 *   program.addNode(new lp.ServiceNode(Producer), 'producer');
 *   await lp.launch(program).wait();
 * });
 * ```
 */
export function main(launcherCode: () => unknown): void {
  if (runsNode()) return;
  markMainDeclared();
  // After the script's own evaluation, so that importing it (to find node exports) never
  // waits on the launcher's code.
  setImmediate(() => {
    Promise.resolve()
      .then(launcherCode)
      .catch((error: unknown) => {
        // As if the script had thrown at its top level: Node prints it and exits with 1,
        // and the nodes die with the launcher.
        setImmediate(() => {
          throw error;
        });
      });
  });
}
