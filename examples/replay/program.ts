/**
 * Distributed RL in miniature: actors write trajectories into a replay node, and a
 * learner samples batches from it and updates their priorities.
 */
import * as lp from 'launchpad-ts';
import {
  RateLimiters,
  Removers,
  ReplayNode,
  Samplers,
  TrajectoryWriter,
  sampleStream,
  type ReplayClient,
  type ReplayService,
} from 'launchpad-ts/replay';

/** The table actors write to and the learner samples from. */
export const TABLE = 'experience';
/** Steps per item. */
export const ITEM_STEPS = 3;
const EPISODE_STEPS = 8;

/** One step: the actor, episode and time index packed as an observation. */
export type Step = Float32Array;

/** Plays episodes and writes each window of `ITEM_STEPS` steps as an item. */
export class Actor {
  constructor(
    private readonly replay: ReplayClient,
    private readonly actorId: number,
  ) {}

  /** Plays until the program stops. */
  async run(): Promise<void> {
    const writer = new TrajectoryWriter<Step>(this.replay, { maxHistory: ITEM_STEPS });
    const stop = lp.stopSignal();
    // A function, so each check reads the signal afresh after the awaits in between.
    const stopping = (): boolean => stop.aborted;
    try {
      for (let episode = 0; !stopping(); episode++) {
        for (let t = 0; t < EPISODE_STEPS && !stopping(); t++) {
          writer.append(new Float32Array([this.actorId, episode, t]));
          if (writer.episodeSteps >= ITEM_STEPS) {
            await writer.createItem(ITEM_STEPS, { [TABLE]: 1 + Math.random() });
          }
        }
        await writer.endEpisode();
      }
    } catch (error) {
      // Inserts waiting on the rate limiter are cancelled when the program stops.
      if (!stopping()) throw error;
    }
  }
}

/** What {@link Learner.train} saw. */
export interface TrainingSummary {
  /** Batches consumed. */
  readonly batches: number;
  /** Items consumed. */
  readonly items: number;
  /** The actors whose items were sampled. */
  readonly actors: number[];
  /** True when every item held `ITEM_STEPS` consecutive steps of one episode. */
  readonly wellFormed: boolean;
}

/** Samples batches and lowers the priority of what it has learned from. */
export class Learner {
  constructor(private readonly replay: ReplayClient) {}

  /** Consumes `numBatches` batches of `batchSize` items. */
  async train(numBatches: number, batchSize: number): Promise<TrainingSummary> {
    let batches = 0;
    let items = 0;
    let wellFormed = true;
    const actors = new Set<number>();
    for await (const batch of sampleStream(this.replay, TABLE, { batchSize, inFlight: 2 })) {
      for (const item of batch) {
        const steps = item.data as Step[];
        const [actor, episode, t0] = steps[0] ?? [];
        actors.add(actor ?? -1);
        wellFormed &&=
          steps.length === ITEM_STEPS &&
          steps.every((s, i) => s[0] === actor && s[1] === episode && s[2] === (t0 ?? 0) + i);
      }
      await this.replay.updatePriorities(
        TABLE,
        batch.map((item) => [item.key, item.priority / 2] as const),
      );
      items += batch.length;
      if (++batches === numBatches) break;
    }
    return { batches, items, actors: [...actors].sort(), wellFormed };
  }
}

/** Options of {@link makeProgram}. */
export interface ReplayProgramOptions {
  /** Number of actors. */
  readonly numActors: number;
  /** A checkpoint to restore the replay node from. */
  readonly restoreFrom?: string;
}

/** The program and the handles a launcher talks to. */
export interface ReplayProgram {
  /** The program. */
  readonly program: lp.Program;
  /** The replay node. */
  readonly replay: lp.Handle<ReplayService>;
  /** The learner. */
  readonly learner: lp.Handle<Learner>;
}

/** Builds the program: a replay node, `numActors` actors and a learner. */
export function makeProgram(options: ReplayProgramOptions): ReplayProgram {
  const program = new lp.Program('replay');
  const replay = program.addNode(
    new ReplayNode({
      tables: [
        {
          name: TABLE,
          maxSize: 1_000,
          sampler: Samplers.prioritized(0.6),
          remover: Removers.fifo(),
          // Actors may run at most ~20 samples ahead of the learner's appetite, and the
          // learner may not sample an item more than twice on average.
          rateLimiter: RateLimiters.sampleToInsertRatio({
            samplesPerInsert: 2,
            minSizeToSample: 10,
            errorBuffer: 20,
          }),
        },
      ],
      ...(options.restoreFrom === undefined
        ? {}
        : { checkpoint: { restoreFrom: options.restoreFrom } }),
    }),
    'replay',
  );
  program.group('actor', () => {
    for (let i = 0; i < options.numActors; i++) {
      program.addNode(new lp.ServiceNode(Actor, replay, i));
    }
  });
  const learner = program.addNode(new lp.ServiceNode(Learner, replay), 'learner');
  return { program, replay, learner };
}
