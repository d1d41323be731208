/**
 * A node's address with its Unix socket route, and the host identity that decides who may
 * use the route: the same for every process of this host and mount namespace, another
 * for a process with its own host name and mount namespace (what a Kubernetes Pod has).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatAddress, hostIdentity, parseAddress } from '../../src/rpc/local-route.ts';

const MODULE = fileURLToPath(new URL('../../src/rpc/local-route.ts', import.meta.url));
const PRINT_IDENTITY = `import(${JSON.stringify(MODULE)}).then((m) => console.log(m.hostIdentity()))`;

// `unshare` gives a process its own host name and mount namespace; it needs root.
const CAN_UNSHARE =
  spawnSync('unshare', ['--uts', '--mount', 'true'], { stdio: 'ignore' }).status === 0;

function identityOf(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return result.stdout.trim();
}

describe('a node address with a Unix socket route', () => {
  it('reads back what was written, and a plain host:port has no route', () => {
    const local = { path: '/tmp/lp-0123456789ab/0123456789abcdef.sock', host: 'abc123' };
    expect(parseAddress(formatAddress({ tcp: '[::1]:4000', local }))).toEqual({
      tcp: '[::1]:4000',
      local,
    });
    expect(parseAddress('10.0.0.2:4000')).toEqual({ tcp: '10.0.0.2:4000' });
  });

  it('has the same host identity in another process of this host', () => {
    const other = identityOf(process.execPath, ['--import', 'tsx', '-e', PRINT_IDENTITY]);
    expect(other).toBe(hostIdentity());
  });

  it.skipIf(!CAN_UNSHARE)(
    'has another identity in a process with its own host name and mount namespace',
    () => {
      const podLike = identityOf('unshare', [
        '--uts',
        '--mount',
        'sh',
        '-c',
        `hostname pod-0 && exec "${process.execPath}" --import tsx -e '${PRINT_IDENTITY}'`,
      ]);
      expect(podLike).toMatch(/^[0-9a-f]+$/);
      expect(podLike).not.toBe(hostIdentity());
    },
  );
});
