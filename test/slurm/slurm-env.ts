/**
 * Whether the real Slurm the tests need is here, and what is in its queue. The tests run
 * against the cluster `scripts/slurm-up.sh` starts; without `sbatch` on PATH they skip,
 * except in CI (`CI` set), where they must run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when `sbatch` is on PATH. */
export const HAS_SBATCH = spawnSync('sbatch', ['--version'], { stdio: 'ignore' }).status === 0;

/** True when the Slurm tests run: Slurm is installed, or this is CI (which must have it). */
export const RUN_SLURM_TESTS = HAS_SBATCH || (process.env['CI'] ?? '') !== '';

if (!RUN_SLURM_TESTS) {
  console.warn(
    'Skipping the Slurm tests: sbatch is not on PATH. Start a local Slurm with `sudo bash scripts/slurm-up.sh`.',
  );
}

/** Throws a clear error unless slurmctld answers and at least one node is usable. */
export function assertSlurmUp(): void {
  if (!HAS_SBATCH) {
    throw new Error(
      'sbatch is not on PATH; CI must run `bash scripts/slurm-up.sh` before the tests.',
    );
  }
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  if (sinfo.status !== 0 || !/idle|mix|alloc/.test(sinfo.stdout)) {
    throw new Error(
      `Slurm is installed but not ready (sinfo: ${sinfo.stdout.trim() || sinfo.stderr.trim()}); run \`bash scripts/slurm-up.sh\`.`,
    );
  }
}

/** Ids of the jobs in the queue (any state squeue shows by default) named `name`. */
export function queuedJobs(name: string): string[] {
  const out = execFileSync('squeue', ['-h', `--name=${name}`, '-o', '%i'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '');
}

/** Waits up to `limitMs` for no job named `name` to be queued; returns those left. */
export async function queueDrained(name: string, limitMs = 10_000): Promise<string[]> {
  for (let waited = 0; ; waited += 200) {
    const left = queuedJobs(name);
    if (left.length === 0 || waited >= limitMs) return left;
    await sleep(200);
  }
}

/** Cancels every job named `name`: cleanup after a failed test. */
export function cancelJobsNamed(name: string): void {
  if (HAS_SBATCH) spawnSync('scancel', [`--name=${name}`], { stdio: 'ignore' });
}

/**
 * Deletes the job output files the launcher keeps in its working directory (the
 * repository root in these tests) when a node ended without reporting, or when the
 * launcher was killed before it could delete them.
 */
export function removeJobOutputs(directory: string): void {
  for (const name of readdirSync(directory)) {
    if (/^lp-.+-\d+\.out$/.test(name)) rmSync(join(directory, name), { force: true });
  }
}
