/**
 * The lint rule that keeps imports pointing one way between the layers of `src/`: it must
 * refuse a wrong-way import, and accept the right way round.
 */
import { ESLint } from 'eslint';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerPolicies, layers } from '../../layers.config.js';

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['src/**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      // The plugin's own types do not match ESLint's Plugin type, though it is one.
      plugins: { boundaries: boundaries as unknown as ESLint.Plugin },
      settings: {
        'boundaries/elements': layers,
        'boundaries/include': ['src/**/*.ts'],
      },
      rules: {
        'boundaries/dependencies': [
          'error',
          { default: 'disallow', policies: layerPolicies as unknown[] },
        ],
      },
    },
  ],
});

/** An import of `specifier`, as a line of the file being linted. */
function importOf(specifier: string): string {
  return `import '${specifier}';\n`;
}

/** The boundary errors for `code` as if it were the file `path`. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'boundaries/dependencies')
    .map((message) => message.message);
}

describe('the import directions between layers', () => {
  it('refuses node-side code that imports launcher-side code', async () => {
    const errors = await boundaryErrors('src/node/node-api.ts', importOf('../launcher/launch.ts'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/"node" to elements of type "launcher"/);
  });

  it('refuses a backend that imports another backend', async () => {
    const errors = await boundaryErrors(
      'src/launcher/backends/threads/threads-backend.ts',
      importOf('../processes/tmux-session.ts'),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/backend="threads" to .*backend="processes"/);
  });

  it('refuses the RPC layer reaching up into the program model', async () => {
    const errors = await boundaryErrors('src/rpc/peer.ts', importOf('../model/handle.ts'));
    expect(errors).toHaveLength(1);
  });

  it('accepts imports that point down, and within one backend', async () => {
    expect(
      await boundaryErrors(
        'src/launcher/backends/slurm/slurm-backend.ts',
        [
          importOf('./slurm-cli.ts'),
          importOf('../../session/control-plane.ts'),
          importOf('../../../spawn/node-command.ts'),
          importOf('../../../rpc/server.ts'),
          importOf('node:fs'),
        ].join(''),
      ),
    ).toEqual([]);
  });

  it("lets a launch type's descriptor load its own backend lazily, and nothing more", async () => {
    const descriptor = 'src/launcher/backends/threads/descriptor/launch-type.ts';
    const lazily = (specifier: string): string => `void import('${specifier}');\n`;
    expect(await boundaryErrors(descriptor, lazily('../threads-backend.ts'))).toEqual([]);
    // Loaded at once, the backend (and its dependencies) would load with the table.
    expect(await boundaryErrors(descriptor, importOf('../threads-backend.ts'))).toHaveLength(1);
    expect(
      await boundaryErrors(descriptor, lazily('../../processes/processes-backend.ts')),
    ).toHaveLength(1);
    // The options layer, which holds the table of launch types, loads no backend itself.
    expect(
      await boundaryErrors(
        'src/launcher/options/launch-types.ts',
        lazily('../backends/threads/threads-backend.ts'),
      ),
    ).toHaveLength(1);
  });

  it("keeps a launch type's task entry node-side: it loads no launcher, and no node loads it", async () => {
    const task = 'src/launcher/backends/slurm/task/slurm-task-main.ts';
    expect(await boundaryErrors(task, importOf('../../../../node/child-main.ts'))).toEqual([]);
    expect(await boundaryErrors(task, importOf('../../../session/control-plane.ts'))).toHaveLength(
      1,
    );
    expect(await boundaryErrors(task, importOf('../slurm-backend.ts'))).toHaveLength(1);
    expect(
      await boundaryErrors(
        'src/node/child-main.ts',
        importOf('../launcher/backends/slurm/task/slurm-task-env.ts'),
      ),
    ).toHaveLength(1);
    // Its own backend reads its names; another backend does not.
    expect(
      await boundaryErrors(
        'src/launcher/backends/slurm/batch-script.ts',
        importOf('./task/slurm-task-env.ts'),
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'src/launcher/backends/kubernetes/manifests.ts',
        importOf('../slurm/task/slurm-task-env.ts'),
      ),
    ).toHaveLength(1);
  });
});
