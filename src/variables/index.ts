/**
 * @module
 * Variables shared by a learner with its actors: a versioned {@link VariableStore} on
 * the learner's side and a background-refreshed {@link VariableClient} on each reader's.
 */
export { VariableStore, type VariableSource, type VariableUpdate } from './variable-store.ts';
export { VariableClient, type VariableClientOptions } from './variable-client.ts';
