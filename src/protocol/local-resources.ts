/**
 * @module
 * What a local node process or thread gets beside its arguments.
 */

/** What a local node process or thread gets beside its arguments. */
export interface LocalResources {
  /** Environment variables added to the node's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Node.js flags for the node's process, e.g. `['--max-old-space-size=512']`. Under
   * `threads`, only `--max-old-space-size` is supported (as a worker resource limit).
   */
  readonly nodeFlags?: readonly string[];
  /** The node process's working directory (not supported under `threads`). */
  readonly cwd?: string;
}
