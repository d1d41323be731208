// @ts-check
/**
 * The layers of `src/` and the one direction imports may point between them. Read by
 * ESLint (eslint-plugin-boundaries), which fails on a wrong-way import; ARCHITECTURE.md
 * draws the same table. A layer may always import its own files.
 */

/** Each layer: its name, its files, and the layers it may import. */
const table = [
  ['internal', 'src/internal', []],
  ['errors', 'src/errors', ['internal']],
  ['metrics', 'src/metrics', ['errors', 'internal']],
  ['rpc', 'src/rpc', ['metrics', 'errors', 'internal']],
  ['model', 'src/model', ['rpc', 'metrics', 'errors', 'internal']],
  ['protocol', 'src/protocol', ['model', 'rpc', 'metrics', 'errors', 'internal']],
  ['spawn', 'src/spawn', ['protocol', 'model', 'rpc', 'metrics', 'errors', 'internal']],
  ['node', 'src/node', ['spawn', 'protocol', 'model', 'rpc', 'metrics', 'errors', 'internal']],
  ['checkpoint', 'src/checkpoint', ['node', 'model', 'rpc', 'metrics', 'errors', 'internal']],
  ['variables', 'src/variables', ['node', 'model', 'rpc', 'metrics', 'errors', 'internal']],
  ['replay', 'src/replay', ['checkpoint', 'node', 'model', 'rpc', 'metrics', 'errors', 'internal']],
  [
    'launcher-options',
    'src/launcher/options',
    ['protocol', 'spawn', 'model', 'rpc', 'metrics', 'errors', 'internal'],
  ],
  ['launcher-metrics', 'src/launcher/metrics', ['metrics', 'errors', 'internal']],
  [
    'launcher-session',
    'src/launcher/session',
    [
      'launcher-metrics',
      'launcher-options',
      'node',
      'spawn',
      'protocol',
      'model',
      'rpc',
      'metrics',
      'errors',
      'internal',
    ],
  ],
  [
    'launcher-backend',
    'src/launcher/backends/*',
    [
      'launcher-metrics',
      'launcher-session',
      'launcher-options',
      'node',
      'spawn',
      'protocol',
      'model',
      'rpc',
      'metrics',
      'errors',
      'internal',
    ],
  ],
  [
    'launcher',
    'src/launcher',
    [
      'launcher-backend',
      'launcher-metrics',
      'launcher-session',
      'launcher-options',
      'node',
      'model',
      'rpc',
      'metrics',
      'errors',
      'internal',
    ],
  ],
];

/** The element descriptors of eslint-plugin-boundaries, one per layer. */
export const layers = table.map(([type, pattern]) => ({
  type,
  pattern,
  partialMatch: false,
  ...(type === 'launcher-backend' ? { capture: ['backend'] } : {}),
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
          type === 'launcher-backend'
            ? { type, captured: { backend: '{{from.captured.backend}}' } }
            : { type },
      },
    },
  })),
];
