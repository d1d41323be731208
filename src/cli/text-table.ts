/**
 * @module
 * {@link textTable}: rows as aligned columns for a terminal, every cell made
 * {@link printable} (cells come from files and other processes).
 */
import { printable } from './terminal-text.ts';

/** `rows` under `header`, each column as wide as its widest cell, two spaces apart. */
export function textTable(
  header: readonly string[],
  unsafeRows: readonly (readonly string[])[],
): string {
  const rows = unsafeRows.map((row) => row.map((cell) => printable(cell)));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
