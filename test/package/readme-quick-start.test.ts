/**
 * The README's Install and Quick start, as a new user follows them: the package is packed,
 * and in a fresh project the README's own commands and files (its fenced blocks marked
 * `<!-- checked by test/package/readme-quick-start.test.ts: NAME -->`, read from README.md
 * so that this test breaks when the README drifts) are run verbatim: the install lines,
 * `tsconfig.json`, `program.ts`, `main.ts`, then both run lines, the tsx entry and
 * `npx tsc && node main.js`. The compiled line runs once per TypeScript version that the
 * README says is tested, each installed once beside the others. Only what the user sees is
 * checked: the output, the exit code, and that no process is left behind.
 */
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markedProcesses, MARKER_VARIABLE, newMarker, pollFor } from '../helpers/processes.ts';
import { ROOT } from '../helpers/scripts.ts';

/** The TypeScript versions (major.minor) that the README says are tested. */
const TESTED_TYPESCRIPT = ['5.7', '5.9', '6.0', '7.0'] as const;

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's fenced block marked `name`. */
function readmeBlock(name: string): string {
  const marker = `<!-- checked by test/package/readme-quick-start.test.ts: ${name} -->`;
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no block marked "${marker}"`);
  // The fence must follow the marker, with nothing but blank lines between.
  const fenced = /^\s*```[a-z]*\n([\s\S]*?)\n```(?:\n|$)/.exec(README.slice(at + marker.length));
  if (fenced?.[1] === undefined) throw new Error(`README.md has no fenced block after "${marker}"`);
  return `${fenced[1]}\n`;
}

/** The non-empty lines of a README shell block, as written (comments included). */
function commandLines(block: string): string[] {
  return block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

const INSTALL = commandLines(readmeBlock('install'));
const RUN = commandLines(readmeBlock('run'));
const TSX_LINE = RUN.find((line) => line.startsWith('npx tsx ')) ?? '';
const TSC_LINE = RUN.find((line) => line.startsWith('npx tsc ')) ?? '';
const OUTPUT = readmeBlock('output');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Process groups of commands still running, killed if the test ends first. */
const running = new Set<number>();

/** The environment of a user's shell: none of vitest's variables or node options. */
function userEnvironment(marker: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  return {
    ...env,
    // Quieter and quicker npm; what it installs is the same.
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_prefer_offline: 'true',
    [MARKER_VARIABLE]: marker,
  };
}

/**
 * Runs a shell command line as a user types it, to its end or `timeoutMs` (then its whole
 * process group is killed), and checks that it left no process behind.
 */
async function shell(line: string, cwd: string, timeoutMs: number): Promise<Run> {
  const marker = newMarker();
  const child = spawn('sh', ['-c', line], {
    cwd,
    env: userEnvironment(marker),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = child.pid ?? 0;
  running.add(group);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    killGroup(group);
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on('close', (exitCode) => {
      resolve(exitCode);
    });
  });
  clearTimeout(timer);
  // A node process may still be on its way out when the command returns.
  const cleared = await pollFor(() => markedProcesses(marker).length === 0 || undefined, 10_000);
  const leftBehind = cleared === true ? [] : markedProcesses(marker);
  killGroup(group);
  running.delete(group);
  expect(leftBehind, `processes left behind by ${line}`).toEqual([]);
  return { code, stdout, stderr };
}

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

let root = '';
let project = '';
/** The TypeScript version that the README's install brought (npm's `latest`). */
let installedTypeScript = '';

/** major.minor of a version. */
function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Makes `npx tsc` in the project run TypeScript `version`, installed beside the others. */
function useTypeScript(version: string): void {
  const directory = minor(installedTypeScript) === version ? 'typescript' : `typescript-${version}`;
  const bin = join(project, 'node_modules', '.bin', 'tsc');
  rmSync(bin, { force: true });
  symlinkSync(`../${directory}/bin/tsc`, bin);
}

/** Runs the README's compiled line with the TypeScript that `npx tsc` runs now. */
async function runCompiled(version: string): Promise<void> {
  const reported = await shell('npx tsc --version', project, 60_000);
  expect(reported.stdout.trim()).toMatch(new RegExp(`^Version ${version.replace('.', '\\.')}\\.`));
  for (const file of ['main.js', 'program.js']) rmSync(join(project, file), { force: true });
  const ran = await shell(TSC_LINE, project, 120_000);
  expect(ran.stderr).toBe('');
  expect(ran.stdout).toBe(OUTPUT);
  expect(ran.code).toBe(0);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lp-readme-'));
  const packed = await shell(`npm pack --pack-destination ${root}`, ROOT, 180_000);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = readdirSync(root).find((file) => file.endsWith('.tgz')) ?? '';
  project = join(root, 'project');
  mkdirSync(project);
  // The only thing a user's project lacks: the README's `npm i launchpad-ts` then installs
  // this tarball (npm keeps a dependency's saved spec), not the registry's package.
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ dependencies: { 'launchpad-ts': `file:${join(root, tarball)}` } }),
  );
  for (const line of INSTALL) {
    const installed = await shell(line, project, 180_000);
    expect(installed.code, `${line}\n${installed.stderr}`).toBe(0);
  }
  for (const file of ['tsconfig.json', 'program.ts', 'main.ts']) {
    writeFileSync(join(project, file), readmeBlock(file));
  }
  installedTypeScript = (
    JSON.parse(readFileSync(join(project, 'node_modules/typescript/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  // The other tested versions, once each, beside the one the README's install brought.
  const others = TESTED_TYPESCRIPT.filter((version) => version !== minor(installedTypeScript));
  const aliases = others.map((version) => `typescript-${version}@npm:typescript@~${version}.0`);
  const added = await shell(`npm i --no-save ${aliases.join(' ')}`, project, 180_000);
  expect(added.code, added.stderr).toBe(0);
}, 600_000);

afterAll(() => {
  for (const group of running) killGroup(group);
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe("the README's Install and Quick start, verbatim in a fresh project", () => {
  it('has the blocks it promises: two run lines, and a strict tsconfig without skipLibCheck', () => {
    expect(TSX_LINE).not.toBe('');
    expect(TSC_LINE).toMatch(/^npx tsc && node main\.js\b/);
    expect(RUN).toEqual([TSX_LINE, TSC_LINE]);
    const tsconfig = JSON.parse(readmeBlock('tsconfig.json')) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig.compilerOptions['strict']).toBe(true);
    expect(tsconfig.compilerOptions['module']).toBe('nodenext');
    expect(tsconfig.compilerOptions).not.toHaveProperty('skipLibCheck');
    const [last, ...first] = [...TESTED_TYPESCRIPT].reverse();
    expect(README).toContain(
      `TypeScript ${first.reverse().join(', ')} and ${String(last)} are tested`,
    );
  });

  it('runs the TypeScript entry with tsx', async () => {
    const ran = await shell(TSX_LINE, project, 120_000);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe(OUTPUT);
    expect(ran.code).toBe(0);
  }, 240_000);

  for (const version of TESTED_TYPESCRIPT) {
    it(`compiles with TypeScript ${version} (strict, no skipLibCheck) and runs with plain node`, async () => {
      useTypeScript(version);
      await runCompiled(version);
    }, 240_000);
  }

  it("compiles with the TypeScript that the README's install brings, if untested above", async (context) => {
    const version = minor(installedTypeScript);
    if ((TESTED_TYPESCRIPT as readonly string[]).includes(version)) context.skip();
    useTypeScript(version);
    await runCompiled(version);
  }, 240_000);
});
