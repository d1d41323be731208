/**
 * The text corpus the word count runs on, and how it is made. The corpus is generated
 * from a seed and a vocabulary written for this example (no borrowed text), and shipped
 * in `examples/mapreduce/corpus/` so every run counts the same words.
 *
 *   npx tsx examples/mapreduce/corpus.ts   # rewrites the corpus files
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../common/random.ts';

/** The folder holding the shipped corpus. */
export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

/** The corpus files, in a stable order. */
export function corpusFiles(dir = CORPUS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => join(dir, name));
}

const VOCABULARY = `
  the a of and to in is that it was for on as with by at from this be or an are not
  lighthouse keeper harbour tide wind boat lantern rope gull shore island map compass
  morning evening night storm calm fog salt anchor sail oar fisher net bread tea kettle
  letter ledger clock window stair door key candle winter summer spring autumn river
  stone bridge village market baker miller cart road hill meadow orchard apple pear
  counts writes reads keeps opens closes watches waits listens carries mends sings
  quiet bright cold warm old young slow quick grey blue green small large distant near
  every each some many few none always never often seldom again already still soon
  she he they we you i her his their our its my your who which what when where why how
  one two three four five six seven eight nine ten hundred thousand first last next
  `
  .split(/\s+/)
  .filter((word) => word !== '');

/** Draws a word with a Zipf-like law: the k-th word of the vocabulary about 1/k as often. */
function zipfWord(random: Random, cumulative: readonly number[]): string {
  const total = cumulative.at(-1) ?? 1;
  const target = random.next() * total;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cumulative[mid] ?? 0) < target) low = mid + 1;
    else high = mid;
  }
  return VOCABULARY[low] ?? 'the';
}

/** One file's text: `lines` sentences of 4 to 15 words, with some capitals and punctuation. */
export function generateText(seed: number, lines: number): string {
  const random = new Random(seed);
  const cumulative: number[] = [];
  VOCABULARY.reduce((sum, _, k) => {
    cumulative.push(sum + 1 / (k + 1));
    return sum + 1 / (k + 1);
  }, 0);
  const out: string[] = [];
  for (let line = 0; line < lines; line++) {
    const words = Array.from({ length: 4 + random.int(12) }, () => zipfWord(random, cumulative));
    // Capitals and punctuation that the tokenizer must see through.
    const first = words[0] ?? '';
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    const comma = random.int(words.length);
    words[comma] = `${words[comma] ?? ''},`;
    out.push(`${words.join(' ')}${random.next() < 0.2 ? '?' : '.'}`);
  }
  return `${out.join('\n')}\n`;
}

/** Writes `files` corpus files of `lines` lines each into `dir`. */
export function writeCorpus(dir: string, files: number, lines: number): string[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: files }, (_, i) => {
    const path = join(dir, `part-${String(i).padStart(2, '0')}.txt`);
    writeFileSync(path, generateText(1_000 + i, lines));
    return path;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = writeCorpus(CORPUS_DIR, 8, 1_500);
  console.log(`Wrote ${written.length} files to ${CORPUS_DIR}`);
}
