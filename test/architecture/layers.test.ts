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
      'src/launcher/backends/threads/threads-launcher.ts',
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
        'src/launcher/backends/slurm/slurm-launcher.ts',
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
});
