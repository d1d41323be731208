/**
 * Finding the module that defines a function or class: the URL comes from V8's script list
 * without enabling the debugger, whose replay of every loaded script cost about 40 ms per
 * launch (in a launcher run through tsx), and each distinct function is asked once.
 */
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definitionUrls } from '../../src/internal/function-location.ts';
import { Echo } from '../fixtures/services.ts';

/** A function defined here. */
function localFunction(): number {
  return 1;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('definitionUrls', () => {
  it('names the module that defines each function and class, in order', async () => {
    const here = pathToFileURL(new URL(import.meta.url).pathname).href;
    const fixture = pathToFileURL(
      new URL('../fixtures/services.ts', import.meta.url).pathname,
    ).href;
    expect(await definitionUrls([Echo, localFunction, Echo])).toEqual([fixture, here, fixture]);
  });

  it('lists the scripts without enabling the debugger, and asks for each function once', async () => {
    const post = vi.spyOn(Session.prototype, 'post');
    await definitionUrls([Echo, localFunction, Echo, Echo, localFunction]);
    const methods = post.mock.calls.map(([method]) => method as string);
    expect(methods).not.toContain('Debugger.enable');
    expect(methods.filter((method) => method === 'Runtime.getProperties')).toHaveLength(2);
  });
});
