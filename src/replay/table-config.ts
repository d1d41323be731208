/**
 * @module
 * {@link TableConfig}: what a replay table is, as plain data, and its validation at the
 * boundary (the replay node's options arrive from another process).
 */
import { describeThrown, LaunchpadError } from '../errors/errors.ts';
import { RateLimiters, type RateLimiterSpec } from './rate-limiter-spec.ts';
import { REMOVER_KINDS, Removers, type RemoverSpec } from './removers.ts';
import { SAMPLER_KINDS, Samplers, type SamplerSpec } from './samplers.ts';

/**
 * One table of a replay node.
 *
 * @example
 * ```ts
 * const table: TableConfig = {
 *   name: 'replay',
 *   maxSize: 100_000,
 *   sampler: Samplers.prioritized(0.6),
 *   remover: Removers.fifo(),
 *   rateLimiter: RateLimiters.minSize(1_000),
 * };
 * ```
 */
export interface TableConfig {
  /** The table's name, unique within the node. */
  readonly name: string;
  /** The most items the table holds; a full table evicts one (by its remover) per insert. */
  readonly maxSize: number;
  /** How `sample` picks items. */
  readonly sampler: SamplerSpec;
  /** Which item a full table evicts. */
  readonly remover: RemoverSpec;
  /** How inserts are paced against samples. */
  readonly rateLimiter: RateLimiterSpec;
  /**
   * An item is deleted once sampled this many times; 0 means never.
   * @default 0
   */
  readonly maxTimesSampled?: number;
}

/**
 * A queue: FIFO sampling, each item sampled once, inserts blocked while `maxSize` items
 * wait (Reverb's `Table.queue`).
 */
export function queueTable(name: string, maxSize: number): TableConfig {
  return {
    name,
    maxSize,
    sampler: Samplers.fifo(),
    remover: Removers.fifo(),
    maxTimesSampled: 1,
    rateLimiter: RateLimiters.queue(maxSize),
  };
}

/** A stack: like {@link queueTable} but LIFO (Reverb's `Table.stack`). */
export function stackTable(name: string, maxSize: number): TableConfig {
  return {
    name,
    maxSize,
    sampler: Samplers.lifo(),
    remover: Removers.lifo(),
    maxTimesSampled: 1,
    rateLimiter: RateLimiters.queue(maxSize),
  };
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

function fail(where: string, expected: string, got: unknown): never {
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Expected ${where} to be ${expected}, got ${describeThrown(got)} (${typeof got}).`,
  );
}

const isInteger = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && !Number.isNaN(value);

/** Checks one table config, naming the first wrong field and what it should be. */
function validateTable(raw: unknown, index: number): TableConfig {
  if (typeof raw !== 'object' || raw === null) fail(`tables[${index}]`, 'a table config', raw);
  const table = raw as Record<string, unknown>;
  const at = (field: string): string => `tables[${index}].${field}`;
  const { name, maxSize, sampler, remover, rateLimiter, maxTimesSampled } = table;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name))
    fail(at('name'), 'a name of letters, digits, "_", "-" and "."', name);
  if (!isInteger(maxSize, 1)) fail(at('maxSize'), 'an integer ≥ 1', maxSize);
  if (maxTimesSampled !== undefined && !isInteger(maxTimesSampled, 0))
    fail(at('maxTimesSampled'), 'an integer ≥ 0 (0: unlimited)', maxTimesSampled);
  const samplerKind = (sampler as { kind?: unknown } | undefined)?.kind;
  if (typeof samplerKind !== 'string' || !SAMPLER_KINDS.includes(samplerKind))
    fail(
      at('sampler'),
      `a sampler spec (Samplers.x(), kind one of ${SAMPLER_KINDS.join(', ')})`,
      sampler,
    );
  if (samplerKind === 'prioritized') {
    const exponent = (sampler as { priorityExponent?: unknown }).priorityExponent;
    if (!isNumber(exponent) || exponent < 0 || !Number.isFinite(exponent))
      fail(at('sampler.priorityExponent'), 'a finite number ≥ 0', exponent);
  }
  const removerKind = (remover as { kind?: unknown } | undefined)?.kind;
  if (typeof removerKind !== 'string' || !REMOVER_KINDS.includes(removerKind))
    fail(
      at('remover'),
      `a remover spec (Removers.x(), kind one of ${REMOVER_KINDS.join(', ')})`,
      remover,
    );
  if (typeof rateLimiter !== 'object' || rateLimiter === null)
    fail(at('rateLimiter'), 'a rate limiter spec (RateLimiters.x())', rateLimiter);
  const limiter = rateLimiter as Record<string, unknown>;
  const { samplesPerInsert: spi, minSizeToSample, minDiff, maxDiff } = limiter;
  if (!isNumber(spi) || spi <= 0 || !Number.isFinite(spi))
    fail(at('rateLimiter.samplesPerInsert'), 'a finite number > 0', spi);
  if (!isInteger(minSizeToSample, 1))
    fail(at('rateLimiter.minSizeToSample'), 'an integer ≥ 1', minSizeToSample);
  if (!isNumber(minDiff)) fail(at('rateLimiter.minDiff'), 'a number', minDiff);
  if (!isNumber(maxDiff) || maxDiff < minDiff)
    fail(at('rateLimiter.maxDiff'), `a number ≥ minDiff (${minDiff})`, maxDiff);
  return table as unknown as TableConfig;
}

/**
 * Checks the tables of a replay node: each valid, at least one, names unique.
 * @throws LaunchpadError `INVALID_ARGUMENT` saying which field is wrong and what it needs
 */
export function validateTables(tables: unknown): readonly TableConfig[] {
  if (!Array.isArray(tables) || tables.length === 0)
    fail('`tables`', 'a non-empty array of table configs', tables);
  const valid = (tables as unknown[]).map((table, index) => validateTable(table, index));
  const seen = new Set<string>();
  for (const { name } of valid) {
    if (seen.has(name)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Two tables are named "${name}"; table names must be unique within a replay node.`,
      );
    }
    seen.add(name);
  }
  return valid;
}
