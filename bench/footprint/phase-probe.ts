/**
 * Preloaded into each node process by the footprint benchmark (`--import`): records
 * `process.memoryUsage()` when Node has booted (before any of launchpad-ts loads) and at
 * each phase of the node's start that launchpad-ts publishes on its `launchpad-ts:node-start`
 * diagnostics channel. On SIGUSR2 it records the idle phase and prints every record as one
 * `FOOTPRINT {…}` line on stderr.
 */
import { subscribe } from 'node:diagnostics_channel';
import { getHeapSpaceStatistics } from 'node:v8';

interface PhaseRecord {
  readonly phase: string;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

const records: PhaseRecord[] = [];
let nodeId = '';
const record = (phase: string): void => {
  records.push({ phase, ...process.memoryUsage() });
};

record('node-booted');
subscribe('launchpad-ts:node-start', (message) => {
  const { nodeId: id, phase } = message as { nodeId: string; phase: string };
  nodeId = id;
  record(phase);
});
process.on('SIGUSR2', () => {
  record('idle');
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]),
  );
  process.stderr.write(`FOOTPRINT ${JSON.stringify({ nodeId, records, spaces })}\n`);
});
