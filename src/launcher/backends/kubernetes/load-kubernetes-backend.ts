/**
 * @module
 * Loading the Kubernetes backend, whose client library is an optional peer dependency:
 * a user who never launches on Kubernetes never installs it.
 */
import { LaunchpadError } from '../../../errors/errors.ts';
import type { BackendFactory } from '../../session/launch-setup.ts';
import type { KubernetesLaunch } from './descriptor/kubernetes-options.ts';
import { isMissingPackage } from '../../../errors/thrown.ts';

const CLIENT_PACKAGE = '@kubernetes/client-node';

/**
 * The Kubernetes backend.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` naming the package to install when the
 * Kubernetes client is missing
 */
export async function loadKubernetesBackend(): Promise<BackendFactory<KubernetesLaunch>> {
  try {
    return (await import('./kubernetes-backend.ts')).kubernetesBackend;
  } catch (error) {
    if (isMissingPackage(error, CLIENT_PACKAGE)) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `launchType "kubernetes" needs the package ${CLIENT_PACKAGE}, which is not installed. ` +
          `Install it beside launchpad-ts: npm i ${CLIENT_PACKAGE}@~1.4`,
        { cause: error },
      );
    }
    throw error;
  }
}
