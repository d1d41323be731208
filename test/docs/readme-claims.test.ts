/**
 * The README's tables against the code: every launcher flag is in the flag table, every
 * environment variable a user may set is in the variable table, and every `launchpad-ts`
 * command exists and is shown (in the README and in docs/cli.md). (What the flags and
 * Ctrl-C do is checked by the tests that run scripts: `test/launcher/scripts.test.ts`.)
 */
import { readFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/scripts.ts';
import { runCli } from '../helpers/cli.ts';
import { USER_VARIABLES } from '../../src/internal/environment.ts';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');

/** The flags the launcher knows, as its refusal of an unknown one lists them. */
function knownFlags(): string[] {
  try {
    lp.launchFlags(['--lp_no_such_flag']);
  } catch (error) {
    const list = /the launcher's flags are: (.*)\.$/.exec((error as Error).message)?.[1] ?? '';
    return list.split(', ');
  }
  throw new Error('an unknown flag was accepted');
}

describe('README', () => {
  it('lists every launcher flag in its flag table, and no other', () => {
    const section = readme.slice(readme.indexOf('### Launcher flags'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| flag')));
    const rows = [...table.matchAll(/^\| `(--lp_\w+)`/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(knownFlags().sort());
  });

  it('lists every environment variable a user may set in its table, and no other', () => {
    const section = readme.slice(readme.indexOf('### Environment variables'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| variable')));
    const rows = [...table.matchAll(/^\| `(LP_[A-Z_]+)/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(Object.values(USER_VARIABLES).sort());
  });

  it('shows every launchpad-ts command, and only real ones, as docs/cli.md does', async () => {
    const help = await runCli(['--help']);
    expect(help.code, help.stderr).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}(\w[\w-]*)/gm)]
      .map((match) => match[1])
      .filter((name) => name !== 'help');
    expect(commands.length).toBeGreaterThan(5);
    const inReadme = new Set([...readme.matchAll(/^npx launchpad-ts ([\w-]+)/gm)].map((m) => m[1]));
    const cliDoc = readFileSync(`${ROOT}/docs/cli.md`, 'utf8');
    const inCliDoc = new Set([...cliDoc.matchAll(/^\| `([\w-]+)[ `]/gm)].map((m) => m[1]));
    for (const name of inReadme) expect(commands).toContain(name);
    for (const name of commands) {
      expect(inCliDoc, `docs/cli.md lists ${name ?? ''}`).toContain(name);
      // The README shows each command, or names it among the "also:" of logs.
      expect(
        inReadme.has(name) ||
          readme.includes(`${name ?? ''} <node>`) ||
          readme.includes(`${name ?? ''},`),
        name,
      ).toBe(true);
    }
  }, 60_000);
});
