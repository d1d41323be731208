/**
 * @module
 * The script a cluster task hosting a colocation starts with
 * (`node --import tsx task-entry.ts [args…]`): see {@link runColocatedTaskMain}.
 */
import { runColocatedTaskMain } from './colocated-task-main.ts';

await runColocatedTaskMain();
