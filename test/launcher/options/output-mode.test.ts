/**
 * One casing for option values: output modes are kebab-case, as launch types and restart
 * modes are, and Launchpad's snake_case names for them are accepted as aliases, as its
 * launch type names are.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { OUTPUT_MODE_ALIASES, OUTPUT_MODES } from '../../../src/launcher/options/output-mode.ts';
import { RESTART_MODES } from '../../../src/launcher/options/option-shapes.ts';
import { resolveLaunchOptions } from '../../../src/launcher/options/launch-options.ts';

const KEBAB_CASE = /^[a-z]+(-[a-z]+)*$/;

describe('option values', () => {
  it('are kebab-case: output modes, launch types and restart modes', () => {
    const values = [...OUTPUT_MODES, ...lp.LAUNCH_TYPES, ...RESTART_MODES];
    expect(values.filter((value) => !KEBAB_CASE.test(value))).toEqual([]);
    expect(OUTPUT_MODES).toEqual(['current-terminal', 'output-to-files', 'tmux']);
  });

  it("accept Launchpad's output mode names and resolve them to the kebab-case mode", () => {
    expect(OUTPUT_MODE_ALIASES).toEqual({
      current_terminal: 'current-terminal',
      output_to_files: 'output-to-files',
    });
    for (const [alias, mode] of Object.entries(OUTPUT_MODE_ALIASES)) {
      expect(resolveLaunchOptions({ output: alias as lp.LaunchpadOutputMode }).output).toBe(mode);
    }
    for (const mode of OUTPUT_MODES)
      expect(resolveLaunchOptions({ output: mode }).output).toBe(mode);
    expect(resolveLaunchOptions({}).output).toBe('current-terminal');
  });

  it('type the option with both spellings, and the resolved mode with the canonical one', () => {
    expectTypeOf<'output_to_files'>().toExtend<NonNullable<lp.LaunchOptions['output']>>();
    expectTypeOf<'output-to-files'>().toExtend<NonNullable<lp.LaunchOptions['output']>>();
    expectTypeOf<lp.OutputMode>().toEqualTypeOf<'current-terminal' | 'output-to-files' | 'tmux'>();
  });

  it('refuse an unknown mode, naming both spellings', () => {
    expect(() => resolveLaunchOptions({ output: 'output-to-file' as lp.OutputMode })).toThrow(
      `Launch option output must be one of "current-terminal", "output-to-files", "tmux" (or Launchpad's "current_terminal", "output_to_files"), got "output-to-file".`,
    );
  });
});
