/**
 * What one process holds, as Linux reports it: resident set size (RSS, every page mapped
 * in, shared ones included), proportional set size (PSS, each shared page divided among
 * the processes that map it) and unique set size (USS, the pages no other process maps:
 * what ending this process would free). Node's binary is mapped by every Node process,
 * so RSS counts it in full each time while PSS and USS share it out.
 */
import { readFileSync } from 'node:fs';

/** Memory figures of one process, in bytes. */
export interface ProcessMemory {
  readonly rss: number;
  readonly pss: number;
  readonly uss: number;
}

function kilobytes(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (match?.[1] === undefined) throw new Error(`No ${field} in /proc's memory report.`);
  return Number(match[1]) * 1024;
}

/** The memory of process `pid` now (Linux only: read from /proc). */
export function processMemory(pid: number): ProcessMemory {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return {
    rss: kilobytes(rollup, 'Rss'),
    pss: kilobytes(rollup, 'Pss'),
    uss: kilobytes(rollup, 'Private_Clean') + kilobytes(rollup, 'Private_Dirty'),
  };
}

/** The RSS of each mapped file (or kind of anonymous mapping) of process `pid`, in bytes. */
export function rssByMapping(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      name = head[1] === '' || head[1] === undefined ? '[anonymous]' : head[1];
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss?.[1] !== undefined) groups.set(name, (groups.get(name) ?? 0) + Number(rss[1]) * 1024);
  }
  return groups;
}
