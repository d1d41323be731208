// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';
import { layers, layerPolicies } from './layers.config.js';

export default tseslint.config(
  {
    // The fake cluster's DNS hook is plain JavaScript: fake Pods preload it before any
    // TypeScript loader runs (worker threads included), so the typed rules cannot see it.
    ignores: [
      'node_modules/',
      'dist/',
      'bench/.build/',
      'eslint.config.js',
      'layers.config.js',
      'test/kubernetes/fake-api/*.mjs',
      // Forked with plain node by a test node: JavaScript, so no loader is involved.
      'test/fixtures/ts-entry/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-params': ['error', 4],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests reach into results with non-null assertions and build throwaway classes.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // The dashboard page's scripts run in a browser, as plain scripts with no types; the
    // libraries they use (Chart.js, dagre) are globals the page loads first.
    files: ['src/launcher/dashboard/page/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'fetch',
          'URL',
          'URLSearchParams',
          'Blob',
          'EventSource',
          'Chart',
          'dagre',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Which side of the wire each folder runs on, and which way imports may point.
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: { 'boundaries/elements': layers, 'boundaries/include': ['src/**/*.ts'] },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }],
    },
  },
  prettier,
);
