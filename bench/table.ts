/**
 * The benchmark's table and the ratios its targets are stated in.
 */
import type { Figures } from './measure.ts';

/** A ratio between two transports' figures, with its target when it has one. */
export interface Ratio {
  /** What is divided by what. */
  readonly name: string;
  /** The quotient. */
  readonly value: number;
  /** The target for it, e.g. `≤ 1.3`. */
  readonly target?: string;
  /** Whether this run met the target. */
  readonly met?: boolean;
}

const LP = 'launchpad-ts processes';
/** The same suite with metrics off (`LP_METRICS=0`), for the overhead of metrics. */
export const LP_METRICS_OFF = 'launchpad-ts processes, metrics off';
/** The same suite over TCP (`LP_UNIX_SOCKETS=0`), as nodes on different hosts talk. */
export const LP_TCP = 'launchpad-ts processes, TCP';
const THREADS = 'launchpad-ts threads';
const RAW = 'raw msgpackr/TCP';
/** Raw msgpackr over a Unix socket: the same-host transport's own floor. */
export const RAW_UNIX = 'raw msgpackr/Unix socket';
const SOCKET = 'raw socket';
const FRAMED = 'raw framed socket';
const PORT = 'raw MessagePort';
const GRPC = '@grpc/grpc-js';

/** The ratios between launchpad-ts and its baselines. */
export function ratios(results: Record<string, Figures>): Ratio[] {
  const out: Ratio[] = [];
  const add = (name: string, value: number | undefined, target?: [string, boolean]): void => {
    if (value === undefined || Number.isNaN(value)) return;
    out.push(
      target === undefined ? { name, value } : { name, value, target: target[0], met: target[1] },
    );
  };
  const lp = results[LP];
  const raw = results[RAW];
  const grpc = results[GRPC];
  const threads = results[THREADS];
  const port = results[PORT];
  if (lp !== undefined && raw !== undefined) {
    const rtt = lp.rttMedianUs / raw.rttMedianUs;
    add('processes RTT / raw msgpackr TCP RTT', rtt, ['≤ 1.0', rtt <= 1.0]);
    const tput = lp.throughput / raw.throughput;
    add('processes throughput / raw msgpackr TCP', tput, ['≥ 1.5', tput >= 1.5]);
    add('processes 1 MiB echo / raw msgpackr TCP', lp.echoMBps / raw.echoMBps);
    add('processes batched / raw TCP batched', lp.batchedPerSec / raw.batchedPerSec);
  }
  // Over TCP against the same TCP floor, and both transports against their own floor.
  const tcp = results[LP_TCP];
  const rawUnix = results[RAW_UNIX];
  if (tcp !== undefined && raw !== undefined) {
    add('processes over TCP: calls/s seq / raw TCP', raw.rttMedianUs / tcp.rttMedianUs);
    add('processes over TCP: throughput / raw TCP', tcp.throughput / raw.throughput);
  }
  if (rawUnix !== undefined && raw !== undefined) {
    add('raw Unix socket: calls/s seq / raw TCP', raw.rttMedianUs / rawUnix.rttMedianUs);
    add('raw Unix socket: throughput / raw TCP', rawUnix.throughput / raw.throughput);
  }
  if (lp !== undefined && rawUnix !== undefined) {
    add('processes: calls/s seq / raw Unix socket', rawUnix.rttMedianUs / lp.rttMedianUs);
    add('processes: throughput / raw Unix socket', lp.throughput / rawUnix.throughput);
  }
  const socket = results[SOCKET];
  if (lp !== undefined && socket !== undefined) {
    add('processes 1 MiB echo / raw socket', lp.echoMBps / socket.echoMBps);
    add('processes 64 MiB echo / raw socket', lp.echo64MBps / socket.echo64MBps);
  }
  // The floor of an RPC that hands its receiver one contiguous array: the same bytes,
  // gathered into fresh memory on each side (issue 27's targets).
  const framed = results[FRAMED];
  for (const [label, run] of [
    ['processes', lp],
    ['threads', threads],
  ] as const) {
    if (run === undefined || framed === undefined) continue;
    const echo = run.echoMBps / framed.echoMBps;
    add(`${label} 1 MiB echo / framed floor`, echo, ['≥ 0.75', echo >= 0.75]);
    const echo64 = run.echo64MBps / framed.echo64MBps;
    add(`${label} 64 MiB echo / framed floor`, echo64, ['≥ 1.0', echo64 >= 1.0]);
  }
  if (framed !== undefined && socket !== undefined) {
    add('framed floor 1 MiB echo / raw socket', framed.echoMBps / socket.echoMBps);
    add('framed floor 64 MiB echo / raw socket', framed.echo64MBps / socket.echo64MBps);
  }
  if (raw !== undefined && socket !== undefined) {
    add('raw msgpackr TCP 1 MiB echo / raw socket', raw.echoMBps / socket.echoMBps);
  }
  if (lp !== undefined && grpc !== undefined) {
    const tput = lp.throughput / grpc.throughput;
    add('processes throughput / grpc-js', tput, ['≥ 10', tput >= 10]);
    add('processes RTT / grpc-js RTT', lp.rttMedianUs / grpc.rttMedianUs);
    add('processes batched / grpc-js batched', lp.batchedPerSec / grpc.batchedPerSec);
  }
  const off = results[LP_METRICS_OFF];
  if (lp !== undefined && off !== undefined) {
    // Metrics are on by default: they may cost at most 5% of calls/s at 64 in flight.
    const kept = lp.throughput / off.throughput;
    add('processes throughput, metrics on / off', kept, ['≥ 0.95', kept >= 0.95]);
    add('processes RTT, metrics on / off', lp.rttMedianUs / off.rttMedianUs);
  }
  if (threads !== undefined && port !== undefined) {
    const rtt = threads.rttMedianUs / port.rttMedianUs;
    add('threads RTT / raw MessagePort RTT', rtt, ['≤ 1.3', rtt <= 1.3]);
    add('threads throughput / raw MessagePort', threads.throughput / port.throughput);
  }
  return out;
}

const fixed = (value: number, digits = 0): string =>
  Number.isNaN(value)
    ? '—'
    : value.toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      });

/** Prints the figures and the ratios. */
export function printTable(results: Record<string, Figures>, computed: Ratio[]): void {
  const rows = Object.entries(results).map(([name, f]) => [
    name,
    fixed(f.rttMedianUs, 1),
    fixed(f.rttP99Us, 1),
    fixed(f.throughput),
    fixed(f.echoMBps),
    fixed(f.echo64MBps),
    fixed(f.batchedPerSec),
  ]);
  const header = [
    'transport',
    'RTT p50 µs',
    'RTT p99 µs',
    'calls/s (64)',
    '1 MiB MB/s',
    '64 MiB MB/s',
    'batched/s (32)',
  ];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
  for (const ratio of computed) {
    const verdict =
      ratio.target === undefined
        ? ''
        : `  target ${ratio.target}: ${ratio.met === true ? 'met' : 'NOT met'}`;
    console.log(`${ratio.name.padEnd(40)} ${ratio.value.toFixed(2)}×${verdict}`);
  }
}
