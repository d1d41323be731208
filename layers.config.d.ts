/** Types of `layers.config.js`: the layers of `src/` and their allowed import directions. */

/** One layer, as an eslint-plugin-boundaries element descriptor. */
export interface LayerElement {
  readonly type: string;
  readonly pattern: string;
  readonly partialMatch: boolean;
  readonly capture?: readonly string[];
}

/** The element descriptors, one per layer. */
export declare const layers: readonly LayerElement[];

/** The eslint-plugin-boundaries policies: what each layer may import. */
export declare const layerPolicies: readonly object[];
