/**
 * @module
 * The shapes of what entry scripts are handed before they can reach their launcher (a
 * node's bootstrap, a colocated task, a colocation host's settings), so that each is checked once, as it is decoded, with an error naming the field.
 */
import { arrayOf, boolean, integer, object, oneOf, string, type Shape } from '../internal/shape.ts';
import type { ColocationKind } from '../model/colocation.ts';
import type { HostSettings } from './colocation-protocol.ts';
import type { ChildBootstrap } from './node-spec.ts';

/** A colocation's kind. */
export const colocationKind = oneOf(['threads', 'processes']);
/** A node id (`label/index`). */
export const nodeId = string('a node id (label/index)', /\/\d+$/);

/** The fields of a node's bootstrap every Slurm task shares (all but the node id). */
const sharedBootstrapFields = {
  controlAddress: string('a host:port address', /^.+:\d+$/),
  secret: string('the launch secret (a non-empty string)', /./),
  forwardOutput: boolean,
  reportExit: boolean,
  ports: boolean,
  parentPid: integer(1),
  killedWithParent: boolean,
  unreachableHint: string(),
};

// Every field of ChildBootstrap has its check: a field added there and not here fails to
// compile, rather than every node refusing its bootstrap at run time.
const childBootstrapFields = {
  ...sharedBootstrapFields,
  nodeId,
} satisfies Readonly<Record<keyof ChildBootstrap, unknown>>;

/** A `ChildBootstrap`. */
export const childBootstrapShape: Shape<ChildBootstrap> = object(childBootstrapFields, [
  'controlAddress',
  'secret',
  'nodeId',
]);

/** A `ChildBootstrap` without its `nodeId`: what a Slurm job's tasks share. */
export const sharedBootstrapShape: Shape<Omit<ChildBootstrap, 'nodeId'>> = object(
  sharedBootstrapFields,
  ['controlAddress', 'secret'],
);

/** A `ColocatedTask`: a cluster task hosting a colocation. */
export const colocatedTaskShape: Shape<{
  readonly kind: ColocationKind;
  readonly bootstraps: readonly ChildBootstrap[];
}> = object({ kind: colocationKind, bootstraps: arrayOf(childBootstrapShape) }, [
  'kind',
  'bootstraps',
]);

/** A colocation host's `HostSettings`. */
export const hostSettingsShape: Shape<HostSettings> = object(
  {
    kind: colocationKind,
    colour: boolean,
    logDirectory: string('a directory path', /./),
    parentPid: integer(1),
  },
  ['kind', 'colour', 'parentPid'],
);
