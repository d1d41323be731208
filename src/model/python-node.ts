/**
 * @module
 * {@link PythonNode}: a node whose code is a Python class, run in a Python process on the
 * same RPC wire as TypeScript nodes (see docs/python.md).
 */
import { fileURLToPath } from 'node:url';
import { LaunchpadError } from '../errors/errors.ts';
import { userCallSite } from '../internal/call-site.ts';
import { Node } from './node.ts';

/** Where a Python node's class is, as the node's spec carries it. */
export interface PythonCode {
  /** The absolute path of the `.py` file. */
  readonly file: string;
  /** The class in it. */
  readonly className: string;
  /** How many calls the node serves at once (its thread pool). */
  readonly threads: number;
}

/** A Python module's dotted name. */
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The default size of a Python node's call thread pool. */
export const DEFAULT_PYTHON_THREADS = 16;

/**
 * A node that builds `className(*args)` from the Python file `file` in a Python process
 * and serves the instance's public methods (names not starting with `_`) over RPC. If
 * the class has a `run()` method, it is called once the server is up, and the node ends
 * when it returns; otherwise the node serves until the program stops.
 *
 * Arguments may hold handles at any depth of arrays and plain objects, as for a
 * {@link ServiceNode}; each arrives in Python as a client. `T` types the handle's client
 * for TypeScript callers: write it as the interface the Python class implements, with
 * the same method names.
 *
 * @typeParam T - what a client of this node can call
 *
 * @example
 * ```ts
 * const learner = p.addNode(
 *   new lp.PythonNode<LearnerApi>(new URL('./learner.py', import.meta.url), 'Learner', replay),
 *   'learner',
 * );
 * ```
 */
export class PythonNode<T = unknown> extends Node<T> {
  /** Always `'python'`. */
  readonly kind = 'python' as const;
  /** The absolute path of the node's `.py` file. */
  readonly file: string;
  /** The Python class the node runs. */
  readonly className: string;
  #threads = DEFAULT_PYTHON_THREADS;
  #modules: readonly string[] = [];

  /**
   * @param file - the `.py` file: a `file:` URL, or a path (a relative one is resolved
   *   against the module that calls this constructor, as `new URL(path, import.meta.url)`)
   * @param className - the class in `file` to instantiate
   * @param args - the constructor's arguments; handles arrive as clients
   */
  constructor(file: URL | string, className: string, ...args: unknown[]) {
    if (typeof className !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(className)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `PythonNode: className must name a Python class (an identifier), not ${JSON.stringify(className)}.`,
      );
    }
    // The base class's code: named after the class, so messages and graphs name it.
    const stand = {
      [className]: function () {
        return undefined;
      },
    }[className] as () => void;
    super(stand, args);
    this.file = resolvePythonFile(file, this.definedAt ?? userCallSite());
    this.className = className;
  }

  /** How many calls the node serves at once (its thread pool; default 16). */
  get threads(): number {
    return this.#threads;
  }

  /**
   * Sets the size of the node's call thread pool.
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` unless `threads` is an integer ≥ 1
   */
  withThreads(threads: number): this {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `PythonNode ${this.className}: threads must be an integer ≥ 1, not ${String(threads)}.`,
      );
    }
    this.#threads = threads;
    return this;
  }

  /** The Python modules the launch checks the interpreter has (see {@link requires}). */
  get requiredModules(): readonly string[] {
    return this.#modules;
  }

  /**
   * Names Python modules the node's code imports (`'torch'`, `'scipy.signal'`): before
   * any node starts, the launch checks that the interpreter has them, and refuses to
   * start otherwise, naming the interpreter, the node and the module. (Under `slurm` and
   * `kubernetes` the interpreter is the hosts' or the image's, which the launcher does
   * not check.)
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` for a name that is not a Python module's
   */
  requires(...modules: string[]): this {
    for (const name of modules) {
      if (typeof name !== 'string' || !MODULE_NAME.test(name)) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `PythonNode ${this.className}: requires() takes Python module names such as 'torch' or 'scipy.signal', not ${JSON.stringify(name)}.`,
        );
      }
    }
    this.#modules = [...new Set([...this.#modules, ...modules])];
    return this;
  }

  /** Replaces the constructor's arguments (see `ServiceNode.configure`). */
  configure(...args: unknown[]): this {
    this.replaceArgs(args);
    return this;
  }

  /** Where the node's class is, for its spec. */
  get pythonCode(): PythonCode {
    return { file: this.file, className: this.className, threads: this.#threads };
  }
}

function resolvePythonFile(file: URL | string, callerUrl: string | undefined): string {
  if (file instanceof URL) {
    if (file.protocol !== 'file:') {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `PythonNode: file must be a file: URL or a path, not ${file.href}.`,
      );
    }
    return fileURLToPath(file);
  }
  if (typeof file !== 'string' || file === '') {
    throw new LaunchpadError('INVALID_ARGUMENT', 'PythonNode: file must be a path or a file: URL.');
  }
  if (file.startsWith('file:')) return fileURLToPath(file);
  if (file.startsWith('/')) return file;
  if (callerUrl === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `PythonNode: cannot tell which module ${file} is relative to; pass new URL('${file}', import.meta.url).`,
    );
  }
  return fileURLToPath(new URL(file, callerUrl));
}

/** True for a {@link PythonNode}. */
export function isPythonNode(node: Node): node is PythonNode {
  return node.kind === 'python';
}
