/**
 * @module
 * The script each Slurm task starts with (`node --import tsx slurm-task.ts [args…]`): see
 * {@link runSlurmTask}.
 */
import { runSlurmTask } from './slurm-task-main.ts';

await runSlurmTask();
