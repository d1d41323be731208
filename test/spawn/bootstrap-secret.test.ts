/**
 * The launch secret never sits in a node process's environment: the kernel keeps showing
 * a process's initial environment in /proc/<pid>/environ, whatever the process deletes.
 */
import { readFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Counter } from '../fixtures/hardening.ts';
import { INTERNAL_VARIABLES } from '../../src/internal/environment.ts';

const TOKEN = /[0-9a-f]{32}/g;

// 32-hex tokens (the secret's form) in `text` that the test's own environment lacks.
function newTokens(text: string): string[] {
  const own = new Set(readFileSync('/proc/self/environ', 'utf8').match(TOKEN) ?? []);
  return (text.match(TOKEN) ?? []).filter((token) => !own.has(token));
}

describe('the launch secret', () => {
  it('is not in /proc/<pid>/environ of a node process, a colocated node process or its host', async () => {
    const program = new lp.Program('secret');
    const plain = program.addNode(new lp.ServiceNode(Counter), 'plain');
    const [hosted] = program.addNode(
      new lp.ProcessColocation([new lp.ServiceNode(Counter)]),
      'hosted',
    );
    await using running = lp.launch(program, { launchType: 'processes' });
    const a = await running.client(plain).where();
    const b = await running.client(hosted).where();
    for (const pid of [a.pid, b.pid, b.ppid]) {
      const environ = readFileSync(`/proc/${String(pid)}/environ`, 'utf8');
      expect(environ).not.toMatch(/LP_BOOTSTRAP=/);
      expect(environ).not.toContain('"secret"');
      expect(newTokens(environ), `pid ${String(pid)}`).toEqual([]);
    }
  }, 120_000);

  it('is not in the environment of a node thread', async () => {
    const program = new lp.Program('secret_threads');
    const counter = program.addNode(new lp.ServiceNode(Counter), 'counter');
    await using running = lp.launch(program, { launchType: 'threads' });
    const names = await running.client(counter).envNames();
    const internal: readonly string[] = Object.values(INTERNAL_VARIABLES);
    expect(names.filter((name) => internal.includes(name))).toEqual([]);
  }, 120_000);
});
