/**
 * @module
 * {@link NodeRuns}: how each node's current run ends, kept by the launch session for the
 * backends that hear of a run's end from afar (a node's exit report, a Pod's status, a
 * job step's exit). Each start gets a new run, so that news of the run before is never
 * taken for this one's; an end heard before its unit exists waits for it; an end heard
 * twice counts once.
 */
import { deferred, type Deferred } from '../../internal/deferred.ts';
import type { UnitEnd } from '../../spawn/unit.ts';

/** One run of a node: its end, once known. */
interface Run {
  readonly end: Deferred<UnitEnd>;
  ended: boolean;
}

/** Every node's current run. */
export class NodeRuns {
  readonly #runs = new Map<string, Run>();

  /** @param ids - every node's id: each has a first run from the start */
  constructor(ids: readonly string[]) {
    for (const id of ids) this.#runs.set(id, newRun());
  }

  /** Starts `nodeId`'s next run (a restart): what ends the run before no longer counts. */
  restart(nodeId: string): void {
    this.#runs.set(nodeId, newRun());
  }

  /** Resolves when `nodeId`'s current run has ended, with how. */
  ended(nodeId: string): Promise<UnitEnd> {
    return this.#run(nodeId).end.promise;
  }

  /** Ends `nodeId`'s current run, unless its end is known already. */
  end(nodeId: string, end: UnitEnd): void {
    const run = this.#run(nodeId);
    if (run.ended) return;
    run.ended = true;
    run.end.resolve(end);
  }

  /** True once `nodeId`'s current run has ended. */
  hasEnded(nodeId: string): boolean {
    return this.#run(nodeId).ended;
  }

  #run(nodeId: string): Run {
    const run = this.#runs.get(nodeId);
    if (run === undefined) throw new Error(`No node ${nodeId} in this launch.`);
    return run;
  }
}

function newRun(): Run {
  return { end: deferred<UnitEnd>(), ended: false };
}
