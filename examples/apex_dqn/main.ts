/**
 * Runs Ape-X DQN on CartPole-v1 until the greedy policy's mean return over 10 episodes
 * reaches 475: `npx tsx examples/apex_dqn/main.ts [--num_actors=2] [--seed=1]
 * [--samples_per_insert=8] [--learner_niceness=0] [--lp_launch_type=processes]
 * [--lp_time_limit=300]`.
 * The learning curve goes to `<workdir>/apex_dqn/curve.csv`; the last line printed is a
 * JSON object with the final score, steps and seconds.
 */
import { configFromArgs, launchAndReport } from './cli.ts';
import { makeProgram } from './program.ts';

const config = configFromArgs();
const { program } = makeProgram(config);
await launchAndReport(program, config);
