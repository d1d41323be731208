/**
 * @module
 * The script a colocation host starts with (`node --import tsx colocation-entry.ts`).
 */
import { runColocationHost } from './colocation-host-main.ts';

runColocationHost();
