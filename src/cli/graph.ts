/**
 * @module
 * `launchpad-ts graph <script>`: prints the graph of the program a script launches,
 * without launching it, as DOT, Mermaid, SVG or JSON.
 */
import { Option, type Command } from 'commander';
import type { ProgramGraph } from '../model/program-graph.ts';
import { positiveNumber } from './option-values.ts';
import { readScriptGraph } from './script-graph.ts';
import { renderDot } from './graph/dot.ts';
import { renderMermaid } from './graph/mermaid.ts';

/** The output formats of `graph`. */
const FORMATS = ['dot', 'mermaid', 'svg', 'json'] as const;

type GraphFormat = (typeof FORMATS)[number];

interface GraphOptions {
  readonly format: GraphFormat;
  readonly timeout: number;
}

async function render(graph: ProgramGraph, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return renderDot(graph);
    case 'mermaid':
      return renderMermaid(graph);
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    case 'svg': {
      // elkjs is large: load it only for the one format that lays the graph out.
      const { renderSvg } = await import('./graph/svg.ts');
      return renderSvg(graph);
    }
  }
}

/** Adds `graph` to the `launchpad-ts` command. */
export function registerGraph(cli: Command): void {
  cli
    .command('graph')
    .description('print the graph of the program a script launches, without launching it')
    .argument(
      '<script>',
      'the script that builds the program and calls launch() (.js, or .ts with tsx)',
    )
    .argument('[args...]', "the script's own arguments, after --")
    .addOption(new Option('--format <format>', 'the output format').choices(FORMATS).default('dot'))
    .option(
      '--timeout <seconds>',
      'how long the script may take to reach launch()',
      positiveNumber,
      60,
    )
    .addHelpText(
      'after',
      `
The script runs as usual until it calls launch(), which writes the program's graph and
ends the script: no node starts. Its own output goes to stderr.

Examples:
  $ launchpad-ts graph main.js | dot -Tpng > program.png
  $ launchpad-ts graph main.ts --format mermaid -- --num_producers=3`,
    )
    .action(async (script: string, args: string[], options: GraphOptions) => {
      const graph = await readScriptGraph(script, args, options.timeout * 1000);
      process.stdout.write(await render(graph, options.format));
    });
}
