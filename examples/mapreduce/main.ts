/**
 * Counts the words of the shipped corpus with MapReduce, checks the result against a
 * count in this one process, and prints the most frequent words and a JSON report.
 *
 *   npx tsx examples/mapreduce/main.ts --num_mappers=3 --num_reducers=2 --lp_launch_type=processes
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { printFinalReport, type FinalReport } from '../common/learning-curve.ts';
import { corpusFiles } from './corpus.ts';
import { makeProgram } from './program.ts';
import { countWords } from './word-count.ts';

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: {
    num_mappers: { type: 'string', default: '3' },
    num_reducers: { type: 'string', default: '2' },
  },
});

const started = performance.now();
const { program, coordinator } = makeProgram(
  Number(values.num_mappers),
  Number(values.num_reducers),
);
const files = corpusFiles();
const running = lp.launch(program);
let report: FinalReport;
try {
  await running.ready;
  const result = await running.client(coordinator).wordCount(files);
  const seconds = (performance.now() - started) / 1000;
  const expected = new Map<string, number>();
  for (const file of files) countWords(readFileSync(file, 'utf8'), expected);
  const matching = result.counts.filter(([word, count]) => expected.get(word) === count).length;
  const exact = matching === expected.size && result.counts.length === expected.size;
  console.log(
    'Most frequent:',
    result.counts
      .slice(0, 8)
      .map(([w, c]) => `${w} ${c}`)
      .join(', '),
  );
  report = {
    example: 'mapreduce',
    // The share of words whose count equals the single-process count: 1 means exact.
    score: expected.size === 0 ? 1 : matching / Math.max(expected.size, result.counts.length),
    steps: result.mapTasks,
    seconds,
    exact,
    words: result.words,
    distinctWords: result.counts.length,
    tasksPerMapper: result.tasksPerMapper,
    launchType: running.launchType,
  };
} finally {
  await running.stop();
}
printFinalReport(report);
