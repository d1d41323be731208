/**
 * @module
 * A program's shape as a list of lines, compared between the launcher and a child process
 * that rebuilt the program, so that a program that builds differently fails fast.
 */
import type { Program } from '../program/program.ts';

/** One line per node: `id kind codeName`. */
export function programFingerprint(program: Program): string[] {
  return program.nodes.map((node) => `${node.id} ${node.kind} ${node.codeName}`);
}

/** A readable description of how two fingerprints differ, or `undefined` if they match. */
export function fingerprintDifference(expected: string[], actual: string[]): string | undefined {
  const missing = expected.filter((line) => !actual.includes(line));
  const extra = actual.filter((line) => !expected.includes(line));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing in the child: ${missing.join('; ')}`);
  if (extra.length > 0) parts.push(`only in the child: ${extra.join('; ')}`);
  return parts.join(' — ');
}
