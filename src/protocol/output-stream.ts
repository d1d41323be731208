/**
 * @module
 * Output lines that a node forwards to its launcher.
 */

/** Which output stream a forwarded line came from. */
export type OutputStream = 'stdout' | 'stderr';
