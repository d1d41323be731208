/**
 * @module
 * The options of the `kubernetes` launch type: image and resources per group, where the
 * cluster is, and render mode.
 */
import { LaunchpadError } from '../../errors/errors.ts';

/** The container settings of every node of one group (each node is one Pod). */
export interface KubernetesResources {
  /** The container image; it must hold the program's code at `workingDir`. */
  readonly image?: string;
  /** CPU request and limit, e.g. `1` or `'500m'`. */
  readonly cpu?: number | string;
  /** Memory request and limit, e.g. `'512Mi'`. */
  readonly memory?: string;
  /** GPUs (`nvidia.com/gpu` limit). */
  readonly gpus?: number;
  /** Extra environment variables of the container. */
  readonly env?: Readonly<Record<string, string>>;
  /** The Pod's node selector. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/** Where the API server is, when not from the default kubeconfig. */
export interface KubernetesCluster {
  /** The API server's URL, e.g. `https://10.0.0.1:6443`. */
  readonly server: string;
  /** A bearer token. */
  readonly token?: string;
  /** Skip TLS verification (test clusters only). */
  readonly skipTlsVerify?: boolean;
}

/** Options of the `kubernetes` launch type, under `launch(program, { kubernetes: {…} })`. */
export interface KubernetesOptions {
  /** The namespace every object is created in. @default 'default' */
  readonly namespace?: string;
  /** Settings of every group that {@link KubernetesOptions.groups} does not name. */
  readonly defaults?: KubernetesResources;
  /** Settings per group label, merged over {@link KubernetesOptions.defaults}. */
  readonly groups?: Readonly<Record<string, KubernetesResources>>;
  /** The cluster; without it, the default kubeconfig (`KUBECONFIG`, `~/.kube/config`). */
  readonly cluster?: KubernetesCluster;
  /**
   * Render mode: write the manifests as YAML to this file and apply nothing. A dry run
   * (`dryRun`, `--lp_dry_run`) without it prints them to stdout.
   */
  readonly renderTo?: string;
  /** The directory of the program's code inside the image. @default the launcher's cwd */
  readonly workingDir?: string;
  /**
   * The interface the launcher's control server binds; Pods must reach it. Node servers in
   * the Pods bind every interface of their Pod (`0.0.0.0`), except when this is a loopback
   * address: then the "cluster" shares this machine's network (a test cluster) and they
   * bind it too. @default '0.0.0.0'
   */
  readonly controlHost?: string;
  /** The host name Pods use to reach the control server. @default the launcher's host name */
  readonly advertiseHost?: string;
  /** Milliseconds between two polls of the Pods' phases. @default 1000 */
  readonly pollIntervalMs?: number;
  /**
   * How long a Pod may stay Pending after it was created (scheduling, image pull) before
   * its node fails with the Pod's reason (`ImagePullBackOff`, `Unschedulable`…), in ms.
   * @default 300000 (5 minutes)
   */
  readonly startDeadlineMs?: number;
}

/** The default of {@link KubernetesOptions.startDeadlineMs}: image pulls can take minutes. */
export const DEFAULT_START_DEADLINE_MS = 300_000;

/** The longest delay a timer takes. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * The validated {@link KubernetesOptions.startDeadlineMs}, or its default.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option and the value
 */
export function startDeadlineOf(options: KubernetesOptions): number {
  const value: unknown = options.startDeadlineMs;
  if (value === undefined) return DEFAULT_START_DEADLINE_MS;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value <= 0 ||
    value > LONGEST_TIMER_MS
  ) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Kubernetes option startDeadlineMs must be a whole number of milliseconds from 1 to ${String(LONGEST_TIMER_MS)}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}.`,
    );
  }
  return value;
}

/**
 * Validates `options` against the program's group labels and returns each group's
 * settings (defaults merged under the group's own).
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option or the group
 */
export function resolveKubernetesGroups(
  programName: string,
  labels: readonly string[],
  options: KubernetesOptions,
): Map<string, KubernetesResources> {
  const groups = options.groups ?? {};
  for (const label of Object.keys(groups)) {
    if (!labels.includes(label)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Kubernetes option groups.${label} names no group of program ${programName}; its groups are: ${labels.join(', ')}.`,
      );
    }
  }
  if (
    options.namespace !== undefined &&
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.namespace)
  ) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Kubernetes option namespace must be a DNS label, got ${JSON.stringify(options.namespace)}.`,
    );
  }
  return new Map(
    labels.map((label) => {
      const own = groups[label] ?? {};
      const envImage = process.env['LP_KUBERNETES_IMAGE'];
      const merged: KubernetesResources = {
        // Lets a program launched without options (an example) name its image.
        ...(envImage === undefined || envImage === '' ? {} : { image: envImage }),
        ...options.defaults,
        ...own,
        env: { ...options.defaults?.env, ...own.env },
      };
      if (typeof merged.image !== 'string' || merged.image === '') {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Group ${label} has no container image: set the Kubernetes option defaults.image or groups.${label}.image (or LP_KUBERNETES_IMAGE).`,
        );
      }
      return [label, merged];
    }),
  );
}
