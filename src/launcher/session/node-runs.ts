/**
 * @module
 * {@link NodeRuns}: each node's runs, kept by the launch session for the backends that
 * hear of a run's end from afar (a node's exit report, a Pod's status, a job step's exit).
 * Each start gets a {@link NodeRun} of its own, which a backend binds to what it started
 * (a Pod, a job step): news of an old run, however late, ends that run only, never the
 * one that replaced it. An end heard before its unit exists waits for it; an end heard
 * twice counts once.
 */
import { deferred } from '../../internal/deferred.ts';
import type { UnitEnd } from '../../spawn/unit.ts';

/** One run of a node: ending it ends this run, never a later one. */
export interface NodeRun {
  /** Resolves when this run has ended, with how. */
  readonly ended: Promise<UnitEnd>;
  /** True once this run has ended. */
  readonly hasEnded: boolean;
  /** Ends this run, unless its end is known already (a second end counts for nothing). */
  end(end: UnitEnd): void;
}

/** Every node's current run. */
export class NodeRuns {
  readonly #runs = new Map<string, NodeRun>();

  /** @param ids - every node's id: each has a first run from the start */
  constructor(ids: readonly string[]) {
    for (const id of ids) this.#runs.set(id, newRun());
  }

  /**
   * Starts `nodeId`'s next run (a restart) and returns it: ending the run before, which
   * has its own {@link NodeRun}, no longer ends the node's current one.
   */
  restart(nodeId: string): NodeRun {
    this.current(nodeId); // throws for a node not in this launch
    const run = newRun();
    this.#runs.set(nodeId, run);
    return run;
  }

  /** `nodeId`'s current run. */
  current(nodeId: string): NodeRun {
    const run = this.#runs.get(nodeId);
    if (run === undefined) throw new Error(`No node ${nodeId} in this launch.`);
    return run;
  }
}

function newRun(): NodeRun {
  const end = deferred<UnitEnd>();
  let ended = false;
  return {
    ended: end.promise,
    get hasEnded() {
      return ended;
    },
    end: (how) => {
      if (ended) return;
      ended = true;
      end.resolve(how);
    },
  };
}
