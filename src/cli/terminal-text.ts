/**
 * @module
 * {@link printable}: text from a file or another process, made safe to print on a
 * terminal. A launch record's id or program name, a file name in the registry folder or an
 * error quoting them may hold escape sequences that would move the cursor, retitle the
 * window or rewrite what was printed; they are shown as `\x1b`-style escapes instead.
 */

// C0 controls but tab, DEL, C1 controls (U+009B is a one-character CSI on some terminals),
// the line and paragraph separators, and the bidirectional overrides and isolates that
// reorder what is shown.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as a visible `\xNN` or `\uNNNN` escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `text` as {@link printable} makes it, but keeping its line breaks: for a message whose
 * lines the command wrote itself (a list of launches, each field made printable as it
 * was put in).
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

// What JSON.stringify leaves as it is but a terminal may act on.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` as indented JSON, with the characters {@link printable} escapes as `\uNNNN`. */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE_IN_JSON,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
