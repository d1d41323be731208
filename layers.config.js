// @ts-check
/**
 * The layers of `src/` and the one direction imports may point between them. Read by
 * ESLint (eslint-plugin-boundaries), which fails on a wrong-way import; ARCHITECTURE.md
 * draws the same table. A layer may always import its own files.
 */

// What each layer may import, built upward so that every list is the one below plus a
// layer: the chain that keeps folders free of import cycles.
const core = ['metrics', 'errors', 'internal'];
const nodeSide = ['node', 'spawn', 'protocol', 'model', 'rpc', ...core];
const session = ['launcher-metrics', 'launcher-options', ...nodeSide];
const launcherOptions = ['protocol', 'spawn', 'model', 'rpc', ...core];

/** Each layer: its name, its files, and the layers it may import. */
const table = [
  ['internal', 'src/internal', []],
  ['errors', 'src/errors', ['internal']],
  ['metrics', 'src/metrics', ['errors', 'internal']],
  ['rpc', 'src/rpc', core],
  ['model', 'src/model', ['rpc', ...core]],
  ['protocol', 'src/protocol', ['model', 'rpc', ...core]],
  ['spawn', 'src/spawn', ['protocol', 'model', 'rpc', ...core]],
  ['node', 'src/node', nodeSide.slice(1)],
  ['checkpoint', 'src/checkpoint', ['node', 'model', 'rpc', ...core]],
  ['variables', 'src/variables', ['node', 'model', 'rpc', ...core]],
  ['replay', 'src/replay', ['checkpoint', 'node', 'model', 'rpc', ...core]],
  ['launcher-options', 'src/launcher/options', launcherOptions],
  // A launch type's descriptor (`backends/<type>/descriptor/`): its name, its options'
  // checks and how to load its backend. The options read them before any backend loads.
  ['launcher-options', 'src/launcher/backends/*/descriptor', launcherOptions],
  ['launcher-metrics', 'src/launcher/metrics', core],
  ['launcher-session', 'src/launcher/session', session],
  // A launch type's node-side code (`backends/<type>/task/`, a Slurm task's entry): it
  // runs where nodes run, and loads nothing of the launcher.
  ['backend-task', 'src/launcher/backends/*/task', nodeSide],
  ['launcher-backend', 'src/launcher/backends/*', ['launcher-session', ...session]],
  ['launcher-dashboard', 'src/launcher/dashboard', ['launcher-session', ...session]],
  [
    'launcher',
    'src/launcher',
    [
      'launcher-dashboard',
      'launcher-backend',
      'launcher-session',
      'launcher-metrics',
      'launcher-options',
      'node',
      'model',
      'rpc',
      ...core,
    ],
  ],
  // The `launchpad-ts` command: runs in its own process, beside launches, never in one.
  ['cli', 'src/cli', ['launcher', 'launcher-dashboard', 'model', 'rpc', ...core]],
];

/** The element descriptors of eslint-plugin-boundaries, one per layer. */
export const layers = table.map(([type, pattern]) => ({
  type,
  pattern,
  partialMatch: false,
  ...(pattern.startsWith('src/launcher/backends/') ? { capture: ['backend'] } : {}),
}));

/** What each layer may import: its allowed layers, its own files, and any package. */
export const layerPolicies = [
  { allow: { to: { module: { origin: 'external' } } } },
  { allow: { to: { module: { origin: 'core' } } } },
  ...table.map(([type, , allowed]) => ({
    from: { element: { type } },
    allow: { to: { element: { types: { anyOf: allowed } } } },
  })),
  // A layer imports its own files; a backend only its own folder, never another backend.
  ...table.map(([type]) => ({
    from: { element: { type } },
    allow: {
      to: {
        element:
          type === 'launcher-backend' || type === 'backend-task'
            ? { type, captured: { backend: '{{from.captured.backend}}' } }
            : { type },
      },
    },
  })),
  // A backend reads its own task's names (environment variables, its entry script).
  {
    from: { element: { type: 'launcher-backend' } },
    allow: {
      to: { element: { type: 'backend-task', captured: { backend: '{{from.captured.backend}}' } } },
    },
  },
  // A launch type's descriptor loads its own backend, lazily: no launch type's dependencies
  // load for another.
  {
    from: { element: { type: 'launcher-options' } },
    allow: {
      dependency: { nodeKind: 'dynamic-import' },
      to: {
        element: { type: 'launcher-backend', captured: { backend: '{{from.captured.backend}}' } },
      },
    },
  },
];
