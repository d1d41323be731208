/**
 * @module
 * The script each Slurm task starts with (`node --import tsx slurm-task.ts [args…]`). It
 * works out which node it runs from its global task rank, builds the node process's
 * bootstrap from the job's environment, and hands over to the shared child main.
 */
import { runChild } from '../../control/child-main.ts';
import { BOOTSTRAP_VARIABLE } from '../../control/node-spec.ts';
import { NODE_IDS_VARIABLE, SLURM_BOOTSTRAP_VARIABLE } from './batch-script.ts';

function fail(message: string): never {
  process.stderr.write(`launchpad-ts (slurm task): ${message}\n`);
  process.exit(1);
}

const shared = process.env[SLURM_BOOTSTRAP_VARIABLE];
const nodeIdsJson = process.env[NODE_IDS_VARIABLE];
const rank = Number(process.env['SLURM_PROCID']);
// Neither the secret nor the job's plumbing may leak into processes the node starts.
Reflect.deleteProperty(process.env, SLURM_BOOTSTRAP_VARIABLE);
Reflect.deleteProperty(process.env, NODE_IDS_VARIABLE);
if (shared === undefined || nodeIdsJson === undefined) {
  fail(
    `${SLURM_BOOTSTRAP_VARIABLE} or ${NODE_IDS_VARIABLE} is not set; this script runs inside a job submitted by launchpad-ts.`,
  );
}
const nodeIds = JSON.parse(nodeIdsJson) as string[];
const nodeId = Number.isInteger(rank) ? nodeIds[rank] : undefined;
if (nodeId === undefined) {
  fail(
    `SLURM_PROCID=${String(process.env['SLURM_PROCID'])} picks none of the job's ${String(nodeIds.length)} nodes.`,
  );
}
process.env[BOOTSTRAP_VARIABLE] = JSON.stringify({ ...(JSON.parse(shared) as object), nodeId });
await runChild();
