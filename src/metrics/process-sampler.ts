/**
 * @module
 * The figures of the process and event loop a node runs on, sampled once per report:
 * CPU, memory, and the event loop's delay and utilisation, the figures that show a node
 * starved by a busy loop at once.
 */
import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ProcessSnapshot } from './report.ts';

// The delay monitor's sampling period: fine enough to see a 10 ms stall, cheap enough to
// leave on (one timer every 20 ms).
const DELAY_RESOLUTION_MS = 20;
const NS_PER_SECOND = 1e9;

/** Samples the process; each {@link ProcessSampler.sample} covers the time since the last. */
export class ProcessSampler {
  readonly #delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  readonly #startedAt = performance.now();
  readonly #host = hostname();
  #lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();
  #lastRss = 0;

  constructor() {
    this.#delay.enable();
  }

  /** The figures now, with the rates over the time since the previous sample. */
  sample(): ProcessSnapshot {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const elapsedMicros = Math.max(1, (now - this.#lastAt) * 1_000);
    const cpuMicros = cpu.user - this.#lastCpu.user + (cpu.system - this.#lastCpu.system);
    const utilization = performance.eventLoopUtilization(this.#lastUtilization);
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#lastCpu = cpu;
    this.#lastAt = now;
    const memory = this.#memory();
    const delay = this.#delay;
    // With no sample yet (a period shorter than the resolution), the monitor reports NaN.
    const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / NS_PER_SECOND : 0);
    const snapshot: ProcessSnapshot = {
      pid: process.pid,
      host: this.#host,
      uptimeSeconds: (now - this.#startedAt) / 1_000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cpuUtilization: cpuMicros / elapsedMicros,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      eventLoopDelay: {
        mean: seconds(delay.mean),
        p50: seconds(delay.percentile(50)),
        p99: seconds(delay.percentile(99)),
        max: seconds(delay.max),
      },
      eventLoopUtilization: utilization.utilization,
    };
    delay.reset();
    return snapshot;
  }

  // process.memoryUsage() reads /proc/self/statm through a descriptor: when the process
  // has none left (a flood of connections), it throws EMFILE. The heap figures need no
  // descriptor; the RSS stays at its last reading until one is free again.
  #memory(): { rss: number; heapUsed: number; heapTotal: number } {
    try {
      const memory = process.memoryUsage();
      this.#lastRss = memory.rss;
      return memory;
    } catch {
      const heap = getHeapStatistics();
      return {
        rss: this.#lastRss,
        heapUsed: heap.used_heap_size,
        heapTotal: heap.total_heap_size,
      };
    }
  }

  /** Stops the delay monitor. */
  close(): void {
    this.#delay.disable();
  }
}
