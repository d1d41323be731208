/**
 * The fake API server's objects, with the bookkeeping watches rely on: a cluster-wide
 * `resourceVersion` that grows with every change and is stamped on each object, and a
 * bounded history of Pod events so a watch can resume from a resourceVersion, or learn
 * that it is too old (`410 Gone`) once the history was compacted.
 */

/** A stored object as plain JSON. */
export interface KubeObject {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

/** One change, as a watch sends it. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
  /** The resourceVersion of the change. */
  readonly version: number;
}

/** Objects by `Kind/namespace/name`, each change numbered and kept for watches. */
export class ObjectStore {
  readonly #objects = new Map<string, KubeObject>();
  readonly #history: WatchEvent[] = [];
  readonly #listeners = new Set<(event: WatchEvent) => void>();
  readonly #historyLimit: number;
  #version = 1;
  #uid = 0;
  /** Events at or below this version are forgotten: older watches get 410. */
  #compactedAt = 1;

  /** @param historyLimit - how many events to keep for watches that resume */
  constructor(historyLimit = 1_000) {
    this.#historyLimit = historyLimit;
  }

  /** The current resourceVersion, as lists report it. */
  get version(): string {
    return String(this.#version);
  }

  /** The object stored under `kind`, `namespace`, `name`. */
  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(key(kind, namespace, name));
  }

  /** Every object of `kind` in `namespace`. */
  list(kind: string, namespace: string): KubeObject[] {
    return [...this.#objects.values()].filter(
      (object) => object.kind === kind && object.metadata.namespace === namespace,
    );
  }

  /** Every namespace that holds an object. */
  namespaces(): string[] {
    return [...new Set([...this.#objects.values()].map((o) => o.metadata.namespace ?? ''))];
  }

  /** Every stored object's `Kind/name`, sorted. */
  keys(): string[] {
    return [...this.#objects.values()].map((o) => `${o.kind ?? ''}/${o.metadata.name}`).sort();
  }

  /** Stores a new object, stamping uid, creation time and resourceVersion. */
  add(object: KubeObject): KubeObject {
    this.#uid += 1;
    object.metadata.uid = `00000000-0000-4000-8000-${String(this.#uid).padStart(12, '0')}`;
    object.metadata.creationTimestamp = new Date().toISOString();
    this.#objects.set(keyOf(object), object);
    return this.#record('ADDED', object);
  }

  /** Records a change made to a stored object. */
  modified(object: KubeObject): KubeObject {
    if (!this.#objects.has(keyOf(object))) return object;
    return this.#record('MODIFIED', object);
  }

  /** Removes a stored object. */
  remove(object: KubeObject): KubeObject {
    if (!this.#objects.delete(keyOf(object))) return object;
    return this.#record('DELETED', object);
  }

  /**
   * The events after `version`, or `'gone'` when they were compacted away (the API
   * server then answers `410 Gone` and the client must list again).
   */
  eventsSince(version: number): WatchEvent[] | 'gone' {
    if (version < this.#compactedAt) return 'gone';
    return this.#history.filter((event) => event.version > version);
  }

  /** Forgets every event so far, as etcd compaction does. */
  compact(): void {
    this.#history.length = 0;
    // Versions seen so far become too old; lists from now on report a newer one.
    this.#version += 1;
    this.#compactedAt = this.#version;
  }

  /** Calls `listener` with every change until the returned function is called. */
  subscribe(listener: (event: WatchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(type: WatchEvent['type'], object: KubeObject): KubeObject {
    this.#version += 1;
    object.metadata.resourceVersion = String(this.#version);
    const event: WatchEvent = { type, object: structuredClone(object), version: this.#version };
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.shift();
      if (dropped !== undefined) this.#compactedAt = dropped.version;
    }
    for (const listener of this.#listeners) listener(event);
    return object;
  }
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function keyOf(object: KubeObject): string {
  return key(object.kind ?? '', object.metadata.namespace ?? '', object.metadata.name);
}
