/**
 * Starts a baseline server in its own process and waits for the port it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A baseline server process. */
export interface ServerProcess {
  readonly port: number;
  readonly child: ChildProcess;
}

/**
 * Runs `node --import tsx bench/servers/<script>` (with `env` besides this process's) and
 * resolves with its port.
 */
export function spawnServer(
  script: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const path = fileURLToPath(new URL(`../servers/${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PORT (\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ port: Number(match[1]), child });
    });
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${String(code)} before listening`));
    });
  });
}
