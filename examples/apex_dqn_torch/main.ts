/**
 * Runs Ape-X DQN on CartPole-v1 with a PyTorch learner until the greedy policy's mean
 * return over 10 episodes reaches 475:
 * `npx tsx examples/apex_dqn_torch/main.ts --lp_python=/usr/bin/python3 [--num_actors=2]
 * [--seed=1] [--lp_launch_type=processes] [--lp_time_limit=300]` (the same flags as
 * `examples/apex_dqn/main.ts`). `--lp_python` names an interpreter with torch and numpy.
 * The learning curve goes to `<workdir>/apex_dqn/curve.csv`; the last line printed is a
 * JSON object with the final score, steps and seconds.
 */
import { configFromArgs, launchAndReport } from '../apex_dqn/cli.ts';
import { makeProgram } from './program.ts';

const config = configFromArgs();
const { program } = makeProgram(config);
await launchAndReport(program, config);
