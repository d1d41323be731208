/**
 * @module
 * The shapes of the launch options every launch type shares: restart policies and local
 * resources. The top-level fields are in `launch-options.ts`; each launch type's own
 * section (`slurm`, `kubernetes`) is checked against its own shape by that launch type.
 */
import {
  arrayOf,
  nonNegative,
  object,
  oneOf,
  recordOf,
  string,
  type Check,
} from '../../internal/shape.ts';

/** When to restart a node. */
export const RESTART_MODES: readonly string[] = ['never', 'on-failure', 'always'];

/** One restart policy. */
export const restartPolicyShape: Check = object(
  {
    mode: oneOf(RESTART_MODES),
    maxRestarts: nonNegative,
    backoffMs: nonNegative,
    maxBackoffMs: nonNegative,
    windowMs: nonNegative,
    resetAfterMs: nonNegative,
  },
  ['mode'],
);

/** True for one policy (it has a `mode`), false for policies by group label or node id. */
export function isOnePolicy(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'mode' in value;
}

/** `restart`: one policy for every node, or policies by group label or node id. */
export const restartShape: Check = (value, path) => {
  if (isOnePolicy(value)) restartPolicyShape(value, path);
  else recordOf(restartPolicyShape, 'a restart policy or policies by group or node')(value, path);
};

/** One group's or node's local resources. */
export const localResourcesShape: Check = object({
  env: recordOf(string()),
  nodeFlags: arrayOf(string()),
  cwd: string('a directory path'),
});
