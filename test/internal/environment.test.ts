/**
 * One prefix for every environment variable: each name launchpad-ts reads or passes
 * starts with `LP_`, none with another prefix appears in the sources, the Python side
 * spells the shared names the same, and the old names users may have set still work,
 * saying once which name replaces them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEPRECATED_NAMES,
  INTERNAL_VARIABLES,
  LAUNCHPAD_NAMES,
  readVariable,
  USER_VARIABLES,
} from '../../src/internal/environment.ts';
import { stateDirectory } from '../../src/launcher/dashboard/launch-registry.ts';
import { resolveLaunchOptions } from '../../src/launcher/options/launch-options.ts';
import { ROOT } from '../helpers/scripts.ts';

/** Every file under `folder` (relative to the repository) whose name ends with `suffix`. */
function filesUnder(folder: string, suffix: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(folder, name));
}

/** The warnings `process.emitWarning` emits while `run` runs, once they are emitted. */
async function warningsDuring(run: () => void): Promise<Error[]> {
  const warnings: Error[] = [];
  const listener = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', listener);
  try {
    run();
    // emitWarning emits on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return warnings;
}

describe('environment variables', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) {
      if (!(name in saved)) Reflect.deleteProperty(process.env, name);
    }
    Object.assign(process.env, saved);
  });

  it('all start with LP_', () => {
    const names = [...Object.values(USER_VARIABLES), ...Object.values(INTERNAL_VARIABLES)];
    expect(names.filter((name) => !name.startsWith('LP_'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('are named with no other prefix anywhere in the sources, the Python side and scripts', () => {
    const files = [
      ...filesUnder('src', '.ts'),
      ...filesUnder('python/launchpad_ts', '.py'),
      ...filesUnder('scripts', '.sh'),
      ...filesUnder('scripts', '.ts'),
    ].filter((file) => file !== join('src', 'internal', 'environment.ts'));
    const oldNames = new Set([
      ...Object.values(DEPRECATED_NAMES),
      ...Object.values(LAUNCHPAD_NAMES),
    ]);
    const found = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\bLAUNCHPAD(?:_TS)?_[A-Z0-9_]+/g)]
        .map(([name]) => name)
        // Doc comments may name an old name beside its new one.
        .filter((name) => !oldNames.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(found).toEqual([]);
  });

  it('are spelt the same by the Python side of nodes', () => {
    const bootstrap = readFileSync(join(ROOT, 'python/launchpad_ts/bootstrap.py'), 'utf8');
    const constant = (name: string): string | undefined =>
      new RegExp(`^${name} = "([A-Z_]+)"$`, 'm').exec(bootstrap)?.[1];
    expect(constant('FD_VARIABLE')).toBe(INTERNAL_VARIABLES.bootstrapFd);
    expect(constant('FILE_VARIABLE')).toBe(INTERNAL_VARIABLES.bootstrapFile);
    expect(constant('VARIABLE')).toBe(INTERNAL_VARIABLES.bootstrap);
    const node = readFileSync(join(ROOT, 'python/launchpad_ts/node.py'), 'utf8');
    expect(node).toContain(`os.environ.get("${USER_VARIABLES.diagnostics}")`);
  });

  it('read an old name when the new one is unset, and warn once naming the new one', async () => {
    const environment = { LAUNCHPAD_STATE_DIR: '/tmp/old-state' };
    const warnings = await warningsDuring(() => {
      expect(stateDirectory(environment)).toBe('/tmp/old-state');
      expect(stateDirectory(environment)).toBe('/tmp/old-state');
    });
    expect(warnings.map((warning) => [warning.name, warning.message])).toEqual([
      ['DeprecationWarning', 'LAUNCHPAD_STATE_DIR is deprecated: set LP_STATE_DIR instead.'],
    ]);
    // The new name wins, and says nothing.
    const quiet = await warningsDuring(() => {
      expect(stateDirectory({ ...environment, LP_STATE_DIR: '/tmp/new-state' })).toBe(
        '/tmp/new-state',
      );
    });
    expect(quiet).toEqual([]);
  });

  it("take Launchpad's name for the output mode without a warning, and treat empty as unset", async () => {
    const warnings = await warningsDuring(() => {
      process.env['LAUNCHPAD_LAUNCH_LOCAL_TERMINAL'] = 'output_to_files';
      expect(resolveLaunchOptions({}).output).toBe('output-to-files');
      process.env['LP_OUTPUT'] = 'current-terminal';
      expect(resolveLaunchOptions({}).output).toBe('current-terminal');
      process.env['LP_OUTPUT'] = '';
      expect(readVariable(USER_VARIABLES.output, { LP_OUTPUT: '' })).toBeUndefined();
    });
    expect(warnings).toEqual([]);
  });

  it('name the variable a wrong value came from', () => {
    process.env['LP_OUTPUT'] = 'mars';
    expect(() => resolveLaunchOptions({})).toThrow('Unknown output mode "mars" (from LP_OUTPUT)');
  });
});
