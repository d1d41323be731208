/**
 * Self time by function in a V8 CPU profile (what `node --cpu-prof` writes), for benches
 * that print where a process spent its time without opening a profiler.
 */

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One function's share of the sampled time. */
export interface ProfileLine {
  readonly name: string;
  /** File and line, shortened to the path below the repository or `node_modules`. */
  readonly where: string;
  readonly percent: number;
}

/** The `top` functions by self time, largest first. */
export function summariseCpuProfile(profile: CpuProfile, top: number): ProfileLine[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, { name: string; where: string; micros: number }>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    // A sample's delta is the time since the previous one: charge it to this sample.
    const micros = profile.timeDeltas[index] ?? 0;
    total += micros;
    const frame = frames.get(id);
    // An empty name is an anonymous function.
    const name =
      frame === undefined || frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const where = frame === undefined ? '' : `${shorten(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  });
  return [...byFunction.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, top)
    .map((entry) => ({
      name: entry.name,
      where: entry.where,
      percent: total > 0 ? (100 * entry.micros) / total : 0,
    }));
}

function shorten(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules);
  for (const root of ['/src/', '/examples/', '/bench/']) {
    const at = url.lastIndexOf(root);
    if (at >= 0) return url.slice(at + 1);
  }
  return url;
}
