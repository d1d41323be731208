/**
 * @module
 * The `kubernetes` launch type: one Pod per node or colocation. Its backend needs the
 * optional package `@kubernetes/client-node`, which only this launch type loads.
 */
import { checkClusterLaunch } from '../../../options/launch-checks.ts';
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';
import {
  resolveKubernetesGroups,
  type KubernetesLaunch,
  type KubernetesOptions,
} from './kubernetes-options.ts';

/** The `kubernetes` launch type; its section is {@link KubernetesOptions}. */
export const kubernetesLaunchType = {
  name: 'kubernetes',
  aliases: [],
  section: true,
  check: (launch, section: KubernetesOptions | undefined): KubernetesLaunch =>
    checkClusterLaunch(launch, 'kubernetes', () => {
      const options = section ?? {};
      const { program } = launch;
      const labels = [...program.groups.keys()];
      return { options, groups: resolveKubernetesGroups(program.name, labels, options) };
    }),
  load: async () => (await import('../load-kubernetes-backend.ts')).loadKubernetesBackend(),
} as const satisfies LaunchTypeDescriptor<'kubernetes', KubernetesOptions, KubernetesLaunch>;
