/**
 * Word counting itself, shared by the mappers and by the single-process count the
 * distributed result is checked against: what a word is, and which reducer owns it.
 */

/** Word → occurrences. */
export type WordCounts = Map<string, number>;

/** The words of `text`: runs of letters (and inner apostrophes), lower-cased. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+(?:'\p{L}+)*/gu) ?? [];
}

/** Adds each word of `text` to `counts` (the map-side combiner) and returns `counts`. */
export function countWords(text: string, counts: WordCounts = new Map()): WordCounts {
  for (const word of tokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/**
 * The reducer that owns `word`, out of `reducers`: FNV-1a of its UTF-16 code units, so
 * every mapper, in any process, sends a word to the same reducer.
 */
export function partitionOf(word: string, reducers: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % reducers;
}
