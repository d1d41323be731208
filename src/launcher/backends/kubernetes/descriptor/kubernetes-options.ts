/**
 * @module
 * The options of the `kubernetes` launch type: image and resources per group, where the
 * cluster is, and render mode.
 */
import {
  boolean,
  either,
  integer,
  must,
  object,
  recordOf,
  string,
} from '../../../../internal/shape.ts';
import { checkOption, optionError } from '../../../options/option-check.ts';
import { USER_VARIABLES } from '../../../../internal/environment.ts';

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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One group's container settings. */
const kubernetesResourcesShape = object({
  image: string('a container image name', /./),
  cpu: either(
    must('a number > 0', (value) => typeof value === 'number' && value > 0),
    string('', /^\d+(\.\d+)?m?$/),
    "a number of CPUs or a quantity like '500m'",
  ),
  memory: string("a quantity like '512Mi'", /^\d/),
  gpus: integer(0),
  env: recordOf(string()),
  nodeSelector: recordOf(string()),
});

/** Every field of {@link KubernetesOptions}. */
const kubernetesOptionsShape = object({
  namespace: string('a DNS label', DNS_LABEL),
  defaults: kubernetesResourcesShape,
  groups: recordOf(kubernetesResourcesShape),
  cluster: object(
    {
      server: string('an API server URL', /^https?:\/\//),
      token: string(),
      skipTlsVerify: boolean,
    },
    ['server'],
  ),
  renderTo: string('a file path'),
  workingDir: string('a directory path'),
  controlHost: string('a host name or address'),
  advertiseHost: string('a host name'),
  pollIntervalMs: integer(1),
  startDeadlineMs: integer(1, LONGEST_TIMER_MS),
});

/**
 * The {@link KubernetesOptions.startDeadlineMs} (checked by
 * {@link resolveKubernetesGroups}), or its default.
 */
export function startDeadlineOf(options: KubernetesOptions): number {
  return options.startDeadlineMs ?? DEFAULT_START_DEADLINE_MS;
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
  checkOption(kubernetesOptionsShape, options, 'kubernetes');
  const groups = options.groups ?? {};
  for (const label of Object.keys(groups)) {
    if (!labels.includes(label)) {
      throw optionError(
        `kubernetes.groups[${JSON.stringify(label)}]`,
        `names no group of program ${programName}; its groups are: ${labels.join(', ')}.`,
      );
    }
  }
  return new Map(
    labels.map((label) => {
      const own = groups[label] ?? {};
      const envImage = process.env[USER_VARIABLES.kubernetesImage];
      const merged: KubernetesResources = {
        // Lets a program launched without options (an example) name its image.
        ...(envImage === undefined || envImage === '' ? {} : { image: envImage }),
        ...options.defaults,
        ...own,
        env: { ...options.defaults?.env, ...own.env },
      };
      if (typeof merged.image !== 'string' || merged.image === '') {
        throw optionError(
          `kubernetes.groups[${JSON.stringify(label)}].image`,
          `is not set, and neither is kubernetes.defaults.image (or LP_KUBERNETES_IMAGE): group ${label} has no container image.`,
        );
      }
      return [label, merged];
    }),
  );
}

/** The `kubernetes` section checked: what the Kubernetes backend receives. */
export interface KubernetesLaunch {
  /** The section as given (`{}` when there was none). */
  readonly options: KubernetesOptions;
  /** Each group's settings, defaults merged. */
  readonly groups: ReadonlyMap<string, KubernetesResources>;
}
