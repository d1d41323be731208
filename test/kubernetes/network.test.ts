/**
 * Where the kubernetes launcher binds and what it advertises, by default and with each
 * option (launching with the default control host would bind every interface of this
 * machine, which tests do not do, so the decision is checked on its own).
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { nodeDnsNames } from '../../src/launcher/backends/kubernetes/manifests.ts';
import { kubernetesNetwork } from '../../src/launcher/backends/kubernetes/network.ts';

describe('the kubernetes launcher’s network settings', () => {
  it('by default bind every interface, and nodes are reached by their Pod DNS names', () => {
    expect(kubernetesNetwork({}, {}, 'launcher-host')).toEqual({
      controlHost: '0.0.0.0',
      advertiseHost: 'launcher-host',
      nodeBindHost: '0.0.0.0',
    });
    const program = new lp.Program('p');
    program.addNode(new lp.FunctionNode(() => undefined), 'worker');
    expect(nodeDnsNames(program, 'abc123', 'research')).toEqual(
      new Map([['worker/0', 'worker-0.lp-p-abc123.research.svc']]),
    );
  });

  it('keep node servers on their Pod’s interfaces whatever interface the launcher binds', () => {
    expect(kubernetesNetwork({ controlHost: '10.0.0.5' }, {}, 'h')).toEqual({
      controlHost: '10.0.0.5',
      advertiseHost: '10.0.0.5',
      nodeBindHost: '0.0.0.0',
    });
    expect(
      kubernetesNetwork(
        { advertiseHost: 'launcher.example' },
        { LP_KUBERNETES_CONTROL_HOST: '::' },
        'h',
      ),
    ).toEqual({ controlHost: '::', advertiseHost: 'launcher.example', nodeBindHost: '0.0.0.0' });
  });

  it('stay on loopback for a test cluster that shares this machine’s network', () => {
    expect(kubernetesNetwork({}, { LP_KUBERNETES_CONTROL_HOST: '127.0.0.1' }, 'h')).toEqual({
      controlHost: '127.0.0.1',
      advertiseHost: '127.0.0.1',
      nodeBindHost: '127.0.0.1',
    });
  });
});
