/**
 * The fake's kubelet and scheduler in one: it decides how each new Pod starts (a test
 * chooses per Pod), runs a Pod's command as a local process (the image is ignored) with
 * the Pod's env (Secret references resolved) and working directory, keeps its log, and
 * moves the Pod through the phases with the reasons a real kubelet gives. A deleted Pod
 * gets SIGTERM, then SIGKILL after its grace period, before it is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { KubeObject, ObjectStore } from './object-store.ts';
import {
  pendingStatus,
  runningStatus,
  terminatedStatus,
  unschedulableStatus,
  waitingStatus,
  type Termination,
} from './pod-status.ts';

/**
 * How a new Pod starts: `run` its command as a process; `pretend` to run (Running, no
 * process: the test ends it); `hold` it Pending with no reason; keep its container
 * `waiting` with a reason (`ImagePullBackOff`); or leave it `unschedulable`.
 */
export type PodStart =
  | 'run'
  | 'pretend'
  | 'hold'
  | { readonly waiting: string; readonly message?: string }
  | { readonly unschedulable: string };

interface Container {
  image?: string;
  command: string[];
  workingDir?: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
  }[];
}

interface PodLog {
  text: string;
  ended: boolean;
  readonly listeners: Set<(chunk: string | null) => void>;
}

/** What the kubelet needs from the server. */
export interface KubeletOptions {
  /** How each new Pod starts. */
  readonly start: (pod: KubeObject) => PodStart;
  /**
   * Extra environment of every Pod process (the fake cluster DNS's hooks), set over the
   * container's own (`env`, Secret references resolved), from which it may build.
   */
  readonly env: (pod: KubeObject, container: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** The longest grace period honoured, in ms, to keep tests bounded. */
  readonly maxGraceMs: number;
}

/** Runs the fake cluster's Pods. */
export class Kubelet {
  readonly #store: ObjectStore;
  readonly #options: KubeletOptions;
  readonly #processes = new Map<string, ChildProcess>();
  readonly #oomKilled = new Set<string>();
  readonly #logs = new Map<string, PodLog>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pods = new Map<string, KubeObject>();

  constructor(store: ObjectStore, options: KubeletOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Takes a Pod just created: Pending, then however the test chose it starts. */
  admit(pod: KubeObject): void {
    pod.status = pendingStatus();
    this.#pods.set(pod.metadata.name, pod);
    this.#logs.set(pod.metadata.name, { text: '', ended: false, listeners: new Set() });
    const start = this.#options.start(pod);
    if (start === 'hold') return;
    // Scheduling and image pulls take a moment: the creation is answered first.
    this.#later(0, () => {
      if (!this.#exists(pod)) return;
      const image = containerOf(pod)?.image ?? '';
      if (typeof start === 'object' && 'unschedulable' in start) {
        this.#update(pod, unschedulableStatus(start.unschedulable));
      } else if (typeof start === 'object') {
        const message = start.message ?? `Back-off pulling image "${image}"`;
        this.#update(pod, waitingStatus(image, start.waiting, message));
      } else if (start === 'pretend') {
        this.#update(pod, runningStatus(image));
      } else {
        this.#run(pod);
      }
    });
  }

  /** Whether the Pod's container runs (as a process, or pretended). */
  isRunning(pod: KubeObject): boolean {
    return pod.status?.['phase'] === 'Running';
  }

  /**
   * Stops a Pod being deleted: SIGTERM, SIGKILL after the grace period; `gone` is called
   * once the container has ended (at once for a Pod with no process).
   */
  terminate(pod: KubeObject, graceSeconds: number, gone: () => void): void {
    const child = this.#processes.get(pod.metadata.name);
    if (child === undefined) {
      if (this.isRunning(pod)) this.#end(pod, { exitCode: 0, reason: 'Completed' });
      gone();
      return;
    }
    child.once('close', gone);
    child.kill('SIGTERM');
    this.#later(Math.min(graceSeconds * 1_000, this.#options.maxGraceMs), () => {
      child.kill('SIGKILL');
    });
  }

  /** Ends a running container as the kernel's OOM killer does (exit code 137, `OOMKilled`). */
  oomKill(name: string): void {
    const child = this.#processes.get(name);
    if (child !== undefined) {
      this.#oomKilled.add(name);
      child.kill('SIGKILL');
      return;
    }
    const pod = this.#pod(name);
    if (pod !== undefined && this.isRunning(pod))
      this.#end(pod, { exitCode: 137, reason: 'OOMKilled' });
  }

  /** Ends a pretended container with `end`. */
  exit(name: string, end: Termination): void {
    const pod = this.#pod(name);
    if (pod !== undefined && this.isRunning(pod)) this.#end(pod, end);
  }

  /** The log of Pod `name`, or undefined when it has none. */
  log(name: string): PodLog | undefined {
    return this.#logs.get(name);
  }

  /** Kills every process and cancels every timer. */
  close(): void {
    for (const child of this.#processes.values()) child.kill('SIGKILL');
    for (const timer of this.#timers) clearTimeout(timer);
  }

  #run(pod: KubeObject): void {
    const name = pod.metadata.name;
    const container = containerOf(pod);
    if (container === undefined) return;
    const own: NodeJS.ProcessEnv = {};
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      const secret =
        ref === undefined
          ? undefined
          : this.#store.get('Secret', pod.metadata.namespace ?? '', ref.name);
      own[variable.name] = ref === undefined ? variable.value : secret?.stringData?.[ref.key];
    }
    const env: NodeJS.ProcessEnv = { ...process.env, ...own, ...this.#options.env(pod, own) };
    const [command = 'node', ...args] = container.command;
    const child = spawn(command === 'node' ? process.execPath : command, args, {
      cwd: container.workingDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#processes.set(name, child);
    this.#update(pod, runningStatus(container.image ?? ''));
    const append = (chunk: string): void => {
      this.#appendLog(name, chunk);
    };
    child.stdout.setEncoding('utf8').on('data', append);
    child.stderr.setEncoding('utf8').on('data', append);
    // A command the image does not have: the runtime cannot start the container.
    let startError: string | undefined;
    child.once('error', (error) => {
      startError =
        `failed to create containerd task: failed to create shim task: OCI runtime create failed: ` +
        `runc create failed: unable to start container process: exec: "${command}": ${error.message}: unknown`;
    });
    child.once('close', (code) => {
      this.#processes.delete(name);
      if (startError !== undefined) {
        this.#end(pod, { exitCode: 128, reason: 'StartError', message: startError });
        return;
      }
      const oom = this.#oomKilled.delete(name);
      const exitCode = oom ? 137 : (code ?? 137);
      this.#end(pod, {
        exitCode,
        reason: oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      });
    });
  }

  #end(pod: KubeObject, end: Termination): void {
    this.#appendLog(pod.metadata.name, null);
    this.#update(pod, terminatedStatus(containerOf(pod)?.image ?? '', end));
  }

  #update(pod: KubeObject, status: Record<string, unknown>): void {
    if (!this.#exists(pod)) return;
    pod.status = status;
    this.#store.modified(pod);
  }

  #appendLog(name: string, chunk: string | null): void {
    const log = this.#logs.get(name);
    if (log === undefined || log.ended) return;
    if (chunk === null) log.ended = true;
    else log.text += chunk;
    for (const listener of log.listeners) listener(chunk);
  }

  #exists(pod: KubeObject): boolean {
    return this.#store.get('Pod', pod.metadata.namespace ?? '', pod.metadata.name) === pod;
  }

  #pod(name: string): KubeObject | undefined {
    const pod = this.#pods.get(name);
    return pod !== undefined && this.#exists(pod) ? pod : undefined;
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}

function containerOf(pod: KubeObject): Container | undefined {
  return (pod.spec?.['containers'] as Container[] | undefined)?.[0];
}
