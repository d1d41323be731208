/**
 * @module
 * The script a node process starts with (`node --import tsx child-entry.ts [args…]`).
 */
import { runChild } from './child-main.ts';

await runChild();
