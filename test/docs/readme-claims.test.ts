/**
 * The README's tables against the code: every launcher flag is in the flag table, and
 * every `launchpad-ts` command it shows exists. (What the flags and Ctrl-C do is checked
 * by the tests that run scripts: `test/core/scripts.test.ts`.)
 */
import { readFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/scripts.ts';

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
});
