/**
 * @module
 * {@link Checkpointer}: checkpoints for any service. The service says how to capture and
 * restore its state; the checkpointer saves it to the launch's working directory
 * periodically and when the node stops, and restores the newest checkpoint when the node
 * starts, so a restarted node or a new launch in the same working directory goes on
 * where the last one stopped.
 */
import { join } from 'node:path';
import { describeThrown, LaunchpadError } from '../errors/errors.ts';
import { currentNode } from '../node/node-context.ts';
import {
  latestCheckpointFile,
  readCheckpointFile,
  refuseCheckpoint,
  resolveCheckpointSource,
  writeCheckpointFile,
  writeCheckpointFileSync,
  type CheckpointFormat,
} from './checkpoint-file.ts';

/** The first 8 bytes of every service checkpoint. */
export const STATE_CHECKPOINT_MAGIC = 'LPSTATE1';
/** The file extension of service checkpoints. */
export const STATE_CHECKPOINT_EXTENSION = '.lpstate';

const STATE_FORMAT: CheckpointFormat = {
  magic: STATE_CHECKPOINT_MAGIC,
  version: 1,
  extension: STATE_CHECKPOINT_EXTENSION,
  what: 'service checkpoint',
  remedy:
    'pass (or leave in the checkpoint directory) an intact file written by a Checkpointer of the same kind, or remove this one to start afresh',
};

/** What a service checkpoint file holds. */
interface StatePayload {
  readonly kind: string;
  readonly createdAt: number;
  readonly state: unknown;
}

/** How a service's state is checkpointed. */
export interface CheckpointerOptions<TState> {
  /**
   * Names what the state is, e.g. `'dqn-learner'`. A checkpoint of another kind (another
   * service's state) is refused rather than restored into this one.
   */
  readonly kind: string;
  /** Captures the state now; called synchronously, so the state is consistent. Plain data and typed arrays. */
  readonly save: () => TState;
  /** Puts a restored state back; called once, from the constructor, when a checkpoint exists. */
  readonly restore: (state: TState) => void;
  /** Saves every this many milliseconds too. @default never (only at stop and on request) */
  readonly everyMs?: number;
  /** Saves when the program stops. @default true */
  readonly saveOnStop?: boolean;
  /**
   * Where checkpoints go; the newest one there is restored at start.
   * @default `<launch workdir>/checkpoints/<node id>`
   */
  readonly directory?: string;
  /** A checkpoint file, or a directory of them (the newest is used), to restore instead, e.g. from an earlier launch. */
  readonly restoreFrom?: string;
}

/**
 * Saves and restores one service's state. Create it in the service's constructor, after
 * the fields that `restore` fills in.
 *
 * @typeParam TState - what `save` returns and `restore` takes
 * @example
 * ```ts
 * class Learner {
 *   params = new Float32Array(1_000);
 *   steps = 0;
 *   readonly checkpointer = new lp.Checkpointer({
 *     kind: 'learner',
 *     everyMs: 60_000,
 *     save: () => ({ params: this.params, steps: this.steps }),
 *     restore: (state) => {
 *       this.params = state.params;
 *       this.steps = state.steps;
 *     },
 *   });
 * }
 * ```
 */
export class Checkpointer<TState> {
  readonly #options: CheckpointerOptions<TState>;
  readonly #directory: string;
  readonly #restoredFrom: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<unknown> = Promise.resolve();
  #lastCheckpoint: string | undefined;
  readonly #onStop = (): void => {
    this.close();
    if (this.#options.saveOnStop ?? true) {
      try {
        this.saveNow();
      } catch (error) {
        console.error(
          `launchpad-ts: saving the ${this.#options.kind} checkpoint at stop failed:`,
          error,
        );
      }
    }
  };

  /**
   * Restores the newest checkpoint (or `restoreFrom`) at once, then starts saving.
   * @throws LaunchpadError `INVALID_ARGUMENT` for bad options, or a checkpoint that is
   * corrupt, of another format, or of another kind (the file is left as it is)
   */
  constructor(options: CheckpointerOptions<TState>) {
    const node = currentNode();
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Checkpointer: expected options { kind, save, restore }, got ${describeThrown(options)}.`,
      );
    }
    if (typeof options.kind !== 'string' || options.kind === '') {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Checkpointer: expected options.kind to be a non-empty string, got ${describeThrown(options.kind)}.`,
      );
    }
    for (const name of ['save', 'restore'] as const) {
      if (typeof options[name] !== 'function') {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Checkpointer(${options.kind}): expected options.${name} to be a function, got ${describeThrown(options[name])}.`,
        );
      }
    }
    const directory =
      options.directory ??
      (node === undefined
        ? undefined
        : join(node.context.workdir, 'checkpoints', node.context.nodeId.replace(/[^\w.-]/g, '_')));
    if (directory === undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Checkpointer(${options.kind}) runs outside a node; give it options.directory.`,
      );
    }
    this.#options = options;
    this.#directory = directory;
    const source =
      options.restoreFrom === undefined
        ? latestCheckpointFile(directory, STATE_CHECKPOINT_EXTENSION)
        : resolveCheckpointSource(STATE_FORMAT, options.restoreFrom);
    if (source !== undefined) {
      options.restore(this.#read(source));
      this.#restoredFrom = source;
      this.#lastCheckpoint = source;
    }
    if (options.everyMs !== undefined) {
      if (typeof options.everyMs !== 'number' || !(options.everyMs > 0)) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Checkpointer(${options.kind}): expected options.everyMs to be a positive number of milliseconds, got ${describeThrown(options.everyMs)}.`,
        );
      }
      this.#timer = setInterval(() => {
        this.save().catch((error: unknown) => {
          console.error(`launchpad-ts: periodic ${options.kind} checkpoint failed:`, error);
        });
      }, options.everyMs);
      // A periodic checkpoint alone must not keep a process alive.
      this.#timer.unref();
    }
    node?.stop.addHandler(this.#onStop);
  }

  /** The checkpoint restored at start, if any. */
  get restoredFrom(): string | undefined {
    return this.#restoredFrom;
  }

  /** The newest checkpoint written or restored, if any. */
  get lastCheckpoint(): string | undefined {
    return this.#lastCheckpoint;
  }

  /** Captures the state now and writes it in the background; resolves with the file's path. */
  save(): Promise<string> {
    const payload = this.#capture();
    // Writes are chained, so two checkpoints never race on the disk.
    const written = this.#writing.then(() =>
      writeCheckpointFile(STATE_FORMAT, this.#directory, payload.createdAt, payload),
    );
    this.#writing = written.catch(() => undefined);
    return written.then((path) => (this.#lastCheckpoint = path));
  }

  /** Captures and writes the state synchronously (as at stop, before the process may exit). */
  saveNow(): string {
    const payload = this.#capture();
    const path = writeCheckpointFileSync(STATE_FORMAT, this.#directory, payload.createdAt, payload);
    this.#lastCheckpoint = path;
    return path;
  }

  /** Stops periodic saving (and saving at stop). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    currentNode()?.stop.removeHandler(this.#onStop);
  }

  #capture(): StatePayload {
    return { kind: this.#options.kind, createdAt: Date.now(), state: this.#options.save() };
  }

  #read(path: string): TState {
    const payload = readCheckpointFile(STATE_FORMAT, path) as Partial<StatePayload> | null;
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof payload.kind !== 'string' ||
      !('state' in payload)
    ) {
      refuseCheckpoint(STATE_FORMAT, path, 'its payload is not a service state');
    }
    if (payload.kind !== this.#options.kind) {
      refuseCheckpoint(
        STATE_FORMAT,
        path,
        `it holds the state of a "${payload.kind}", and this checkpointer restores a "${this.#options.kind}"`,
      );
    }
    return payload.state as TState;
  }
}
