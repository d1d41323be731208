/**
 * @module
 * The diagnostics thread of a node process: a small worker thread that answers stack
 * dumps and CPU profiles of the process's main thread, even while that thread is blocked
 * in a busy loop. It reaches the main thread through the inspector
 * (`Session.connectToMainThread()`: V8 interrupts running JavaScript to pause or profile
 * it, with no ptrace and no privilege), and listens on a socket of its own, because a
 * blocked main thread answers no RPC. Its code is a string of plain JavaScript that
 * loads only Node's own modules, so it costs a small isolate and no library.
 *
 * Where the kernel does not kill a node process with its launcher (tmux windows, Slurm
 * tasks, Pods), the same thread is the node's parent watchdog from the process's start,
 * and answers diagnostics once the node serves: one isolate, not two.
 */
import { isMainThread, Worker } from 'node:worker_threads';
import { hostname } from 'node:os';
import { portsToTry, type PortRange } from '../rpc/port-range.ts';
import {
  DIAGNOSTICS_LINGER_MS,
  DIAGNOSTICS_REQUEST_TIMEOUT_MS,
  DIAGNOSTICS_STALL_MS,
  DIAGNOSTICS_WRITE_CHUNK_BYTES,
  IDLE_AFTER_MS,
  MAX_DIAGNOSTICS_CONNECTIONS,
  MAX_DIAGNOSTICS_REQUEST_BYTES,
  MAX_PROFILE_MS,
} from '../protocol/diagnostics.ts';

// How often the parent watchdog looks at the process's parent.
const WATCHDOG_POLL_MS = 250;

// One request of each kind at a time, each with an inspector session of its own: a stack
// dump is answered while a profile records (a profile lasts up to a minute). A request
// line is checked against the launch's secret in constant time, as a HELLO is, before it
// is queued. A connection without the secret is held a few seconds at most, and only a
// few at once.
const THREAD_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createServer } = require('node:net');
// The inspector and crypto load with the first request, in this thread (which never waits
// for the main one): an idle node never asked for a dump does not hold them.
let Session;
let crypto;
const digest = (text) => crypto.createHash('sha256').update(String(text)).digest();
let secret;
// A session per request: one left connected would make the process wait for it at exit.
const post = (session, method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function stack(session) {
  const urls = new Map();
  const onScript = (message) => urls.set(message.params.scriptId, message.params.url);
  session.on('Debugger.scriptParsed', onScript);
  let paused;
  const pausedNow = new Promise((resolve) => {
    paused = (message) => resolve(message.params.callFrames);
    session.once('Debugger.paused', paused);
  });
  try {
    await post(session, 'Debugger.enable');
    await post(session, 'Debugger.pause');
    const frames = await Promise.race([pausedNow, delay(${IDLE_AFTER_MS}).then(() => undefined)]);
    if (frames === undefined) return { idle: true, frames: [], pid: process.pid };
    return {
      idle: false,
      pid: process.pid,
      frames: frames.map((frame) => ({
        functionName: frame.functionName,
        url: frame.url || urls.get(frame.location.scriptId) || '',
        lineNumber: frame.location.lineNumber,
        columnNumber: frame.location.columnNumber ?? 0,
      })),
    };
  } finally {
    session.off('Debugger.scriptParsed', onScript);
    session.off('Debugger.paused', paused);
    // Resumes a paused thread, and cancels a pause still pending on an idle one.
    await post(session, 'Debugger.disable').catch(() => undefined);
  }
}
async function profile(session, ms) {
  await post(session, 'Profiler.enable');
  try {
    await post(session, 'Profiler.start');
    await delay(ms);
    return (await post(session, 'Profiler.stop')).profile;
  } finally {
    await post(session, 'Profiler.disable').catch(() => undefined);
  }
}
function parse(line) {
  if (crypto === undefined) {
    crypto = require('node:crypto');
    secret = digest(settings.secret);
  }
  let request;
  try { request = JSON.parse(line); } catch { return { error: 'the request is not JSON' }; }
  const given = digest(request && request.secret);
  if (!crypto.timingSafeEqual(given, secret)) return { error: 'wrong secret' };
  const ms = Number(request.durationMs);
  const op = request.op === 'stack' ? 'stack' : request.op === 'profile' && ms >= 1 && ms <= ${MAX_PROFILE_MS} ? 'profile' : undefined;
  if (op === undefined) return { error: 'unknown request' };
  return { op, ms };
}
async function answer({ op, ms }) {
  Session ??= require('node:inspector').Session;
  const session = new Session();
  session.connectToMainThread();
  try {
    return op === 'stack' ? { stack: await stack(session) } : { profile: await profile(session, ms) };
  } finally {
    session.disconnect();
  }
}
// Sends the answer line and closes. The line goes out a part at a time, each after the
// last was taken: a reader that takes nothing for a while is cut off, a slow one is not
// (the kernel holds a few megabytes, a long profile can be more). Once all of it is out,
// a client that keeps its side open is cut off soon after.
function finish(socket, result) {
  const line = Buffer.from(JSON.stringify(result) + '\\n', 'utf8');
  let stalled;
  const waitForReader = () => {
    clearTimeout(stalled);
    stalled = setTimeout(() => socket.destroy(), ${DIAGNOSTICS_STALL_MS});
    stalled.unref();
  };
  socket.once('close', () => clearTimeout(stalled));
  const send = (from) => {
    if (socket.destroyed) return;
    waitForReader();
    const to = Math.min(from + ${DIAGNOSTICS_WRITE_CHUNK_BYTES}, line.length);
    if (to < line.length) {
      socket.write(line.subarray(from, to), () => send(to));
      return;
    }
    socket.end(line.subarray(from, to), () => {
      clearTimeout(stalled);
      setTimeout(() => socket.destroy(), ${DIAGNOSTICS_LINGER_MS}).unref();
    });
  };
  send(0);
}
const queues = { stack: Promise.resolve(), profile: Promise.resolve() };
const server = createServer((socket) => {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  // Until its request line has the secret, a connection gets a few seconds, idle or not.
  const unproven = setTimeout(() => socket.destroy(), ${DIAGNOSTICS_REQUEST_TIMEOUT_MS});
  socket.once('close', () => clearTimeout(unproven));
  socket.on('data', (chunk) => {
    text += chunk;
    const end = text.indexOf('\\n');
    if (end < 0 && text.length <= ${MAX_DIAGNOSTICS_REQUEST_BYTES}) return;
    socket.pause();
    socket.removeAllListeners('data');
    if (end < 0) { finish(socket, { error: 'request too long' }); return; }
    const request = parse(text.slice(0, end));
    text = '';
    if (request.error !== undefined) { finish(socket, request); return; }
    // A request with the secret may wait its turn and run up to a profile's length.
    clearTimeout(unproven);
    queues[request.op] = queues[request.op].then(() => answer(request))
      .catch((error) => ({ error: String(error && error.message || error) }))
      .then((result) => finish(socket, result));
  });
});
// A stranger cannot hold more: one more connection is closed as soon as it is accepted.
server.maxConnections = ${MAX_DIAGNOSTICS_CONNECTIONS};
let settings;
let ports;
let listening = false;
// After it listens, an error is a failed accept (EMFILE when the process has no
// descriptor left): the thread keeps listening, and the process keeps running.
server.on('error', () => undefined);
function listenOn(index) {
  server.once('error', (error) => {
    if (listening) return;
    if (error.code !== 'EADDRINUSE' || index + 1 >= ports.length) throw error;
    listenOn(index + 1);
  });
  server.listen(ports[index], settings.host, () => {
    listening = true;
    parentPort.postMessage(server.address().port);
  });
}
// Serves with the settings of the launch: at once when the thread starts as a diagnostics
// thread, on its first message when it started earlier as the node's parent watchdog.
function serve(given) {
  settings = given;
  // Within the node's port range when it has one (a firewalled cluster), else any port.
  ports = given.ports.length === 0 ? [0] : given.ports;
  listenOn(0);
}
// The parent watchdog, where the kernel does not kill the node with its launcher: the
// process ends once it has been re-parented, even while its main thread is blocked.
if (workerData.parent !== undefined) {
  setInterval(() => {
    if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
  }, ${WATCHDOG_POLL_MS});
}
if (workerData.secret !== undefined) serve(workerData);
else parentPort.once('message', serve);
`;

/** Where the diagnostics thread listens: the node server's interface choice. */
export interface DiagnosticsListen {
  /** The interface to bind. @default '127.0.0.1' */
  readonly bindHost?: string | undefined;
  /** The host name to advertise, when the node's own choice gives one. */
  readonly advertiseHost?: string | undefined;
  /** The ports it may listen on, as the node's RPC server. @default any */
  readonly portRange?: PortRange | undefined;
}

/**
 * The one worker thread of a node process that watches its parent: started early, as the
 * parent watchdog, and asked later to answer diagnostics as well (a second thread would
 * be a second V8 isolate, about 10 MB).
 */
export interface ParentWatchdog {
  /** The thread. */
  readonly thread: Worker;
}

/** How the diagnostics thread (which may be the parent watchdog too) is started. */
const THREAD_OPTIONS = {
  eval: true,
  // Its output would go through the main thread, which may be the one that is blocked.
  stdout: false,
  stderr: false,
  // Any heap limit makes V8 size the thread's first heap for it, about 0.75 MB less than
  // its default (measured on Node 20), in every node process; the largest answer, a 60 s
  // profile, needs a few MB.
  resourceLimits: { maxOldGenerationSizeMb: 512 },
} as const;

/**
 * Starts the thread that ends this process when its parent (the launcher, or a colocation
 * host) dies, even while the node's main thread is blocked in a long computation: it
 * looks at the parent every 250 ms and kills the process as soon as it has been
 * re-parented. The same thread answers diagnostics once {@link startDiagnosticsThread}
 * is given it. No-op inside a worker thread.
 *
 * @param parent - the pid the parent must keep: the one the starter gave in the
 * bootstrap, since `process.ppid` is already someone else's if the starter died first
 */
export function watchParent(parent: number): ParentWatchdog | undefined {
  if (!isMainThread) return undefined;
  const thread = new Worker(THREAD_CODE, { ...THREAD_OPTIONS, workerData: { parent } });
  // The watch must never keep a finished node process alive.
  thread.unref();
  return { thread };
}

/**
 * Starts the diagnostics thread of this process (none inside a worker thread: there the
 * inspector would reach the process's main thread, not the node's), or makes the
 * process's parent watchdog answer diagnostics too, and resolves with the `host:port` it
 * answers at, or `undefined` in a worker thread.
 *
 * @param secret - the launch's secret, which every request must carry
 * @param watchdog - the parent watchdog this process already runs, if any
 */
export function startDiagnosticsThread(
  secret: string,
  listen: DiagnosticsListen,
  watchdog?: ParentWatchdog,
): Promise<string | undefined> {
  if (!isMainThread) return Promise.resolve(undefined);
  const bindHost = listen.bindHost ?? '127.0.0.1';
  const settings = {
    secret,
    host: bindHost,
    ports: listen.portRange === undefined ? [] : portsToTry(listen.portRange),
  };
  let thread: Worker;
  if (watchdog === undefined) {
    thread = new Worker(THREAD_CODE, { ...THREAD_OPTIONS, workerData: settings });
    // It must never keep a finished node process alive.
    thread.unref();
  } else {
    thread = watchdog.thread;
    thread.postMessage(settings);
  }
  return new Promise((resolve, reject) => {
    thread.once('error', reject);
    thread.once('message', (port: number) => {
      resolve(`${advertisedHost(bindHost, listen.advertiseHost)}:${String(port)}`);
    });
  });
}

// As the node's RPC server advertises itself (node-runner.ts): a given name, else the
// host name for a wildcard bind, else the bound address.
function advertisedHost(bindHost: string, advertiseHost: string | undefined): string {
  if (advertiseHost !== undefined) return advertiseHost;
  if (bindHost === '0.0.0.0' || bindHost === '::') return hostname();
  return bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
}
