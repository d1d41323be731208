/**
 * What the launcher takes from a node's `register`: a plain `host:port` (nothing that
 * could smuggle in a same-host route), and a socket path only directly in the launch's
 * socket folder, the one callers check before they present the secret there.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../../src/launcher/session/address-book.ts';
import { controlDispatch } from '../../../src/launcher/session/control-dispatch.ts';
import { ControlService } from '../../../src/launcher/session/control-service.ts';
import { FailureReports } from '../../../src/launcher/session/failure-reports.ts';
import { ProgramLifecycle } from '../../../src/launcher/session/program-lifecycle.ts';
import { hostIdentity } from '../../../src/rpc/local-route.ts';
import type { NodeSpec } from '../../../src/protocol/node-spec.ts';

const FOLDER = '/tmp/launchpad-ts-0/lp-0123456789ab-42-0123456789ab';

function control(): { dispatch: ReturnType<typeof controlDispatch>; book: AddressBook } {
  const ids = ['target/0'];
  const book = new AddressBook(ids);
  const spec = { nodeId: 'target/0', socketFolder: FOLDER } as unknown as NodeSpec;
  const service = new ControlService({
    specs: new Map([['target/0', spec]]),
    book,
    lifecycle: new ProgramLifecycle('register_checks', ids, new PassThrough()),
    failures: new FailureReports(),
  });
  return { dispatch: controlDispatch(service), book };
}

const host = hostIdentity();

describe('register', () => {
  it('takes a socket path directly in the launch folder', async () => {
    const { dispatch, book } = control();
    const path = `${FOLDER}/0123456789abcdef.sock`;
    await dispatch('register', ['target/0', '127.0.0.1:4000', { path, host }]);
    expect(await book.resolve('target/0', 1_000)).toBe(`127.0.0.1:4000 unix:${host}:${path}`);
    // Only lookups that ask for the route get it (Python nodes do not ask).
    expect(await dispatch('lookup', ['target/0', 1_000])).toBe('127.0.0.1:4000');
    expect(await dispatch('lookup', ['target/0', 1_000, true])).toBe(
      `127.0.0.1:4000 unix:${host}:${path}`,
    );
  });

  it.each([
    ['/tmp/elsewhere/x.sock'],
    [`${FOLDER}/sub/x.sock`],
    [`${FOLDER}/../lp-other/x.sock`],
    [`${FOLDER}-x/x.sock`],
  ])('refuses the socket path %s, naming the launch folder', async (path) => {
    const { dispatch } = control();
    await expect(
      Promise.resolve().then(() =>
        dispatch('register', ['target/0', '127.0.0.1:4000', { path, host }]),
      ),
    ).rejects.toThrow(`not in this launch's socket folder (${FOLDER})`);
  });

  it.each([['127.0.0.1:4000 unix:abc:/tmp/x.sock'], ['a b:1'], ['127.0.0.1:'], [':80']])(
    'refuses the address %j',
    async (address) => {
      const { dispatch } = control();
      await expect(
        Promise.resolve().then(() => dispatch('register', ['target/0', address, null])),
      ).rejects.toThrow('a host:port address');
    },
  );

  it.each([['127.0.0.1:4000'], ['[::1]:4000'], ['node-7.cluster.local:65535']])(
    'takes the address %s',
    async (address) => {
      const { dispatch, book } = control();
      await dispatch('register', ['target/0', address, null]);
      expect(await book.resolve('target/0', 1_000)).toBe(address);
    },
  );
});
