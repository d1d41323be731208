/**
 * @module
 * The `kubernetes` launch type: one Pod per node or colocation. Its backend needs the
 * optional package `@kubernetes/client-node`, which only this launch type loads.
 */
import { checkResourceKeys, refuseClusterRestarts } from '../../../options/launch-checks.ts';
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
  check: (launch, section: KubernetesOptions | undefined): KubernetesLaunch => {
    checkResourceKeys(launch);
    const options = section ?? {};
    const { program } = launch;
    const groups = resolveKubernetesGroups(program.name, [...program.groups.keys()], options);
    refuseClusterRestarts(launch, 'kubernetes');
    return { options, groups };
  },
  load: async () => (await import('../load-kubernetes-backend.ts')).loadKubernetesBackend(),
} as const satisfies LaunchTypeDescriptor<'kubernetes', KubernetesOptions, KubernetesLaunch>;
