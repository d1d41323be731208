/**
 * A node is made with the kind of code it runs: a service node refuses a function and a
 * function node refuses a class, at once and in words that name the other node type,
 * rather than failing inside the launched node with "is not a constructor".
 */
import { describe, expect, it } from 'vitest';
import * as lp from '../../src/index.ts';

class Echo {
  echo(value: string): string {
    return value;
  }
}

async function caller(): Promise<void> {
  await Promise.resolve();
}

// What a TypeScript compiler targeting ES5 makes of a class: a function with methods.
function OldStyle(this: { n: number }): void {
  this.n = 1;
}
(OldStyle.prototype as { get: () => number }).get = function get(this: { n: number }) {
  return this.n;
};

// JavaScript callers pass what the types refuse.
type Untyped = new (code: unknown) => { kind: string };
const serviceNode = (code: unknown): { kind: string } =>
  new (lp.ServiceNode as unknown as Untyped)(code);
const functionNode = (code: unknown): { kind: string } =>
  new (lp.FunctionNode as unknown as Untyped)(code);

describe('the code a node is made with', () => {
  it('a service node refuses a function, naming it and lp.FunctionNode', () => {
    const make = (): unknown => serviceNode(caller);
    expect(make).toThrow(/ServiceNode\(service\) takes a class .* got the function caller\./);
    expect(make).toThrow(/use new lp\.FunctionNode\(fn, \.\.\.args\)/);
    expect(() => serviceNode((x: number) => x)).toThrow(/got the function/);
    expect(() => serviceNode('Echo')).toThrow(/got a string/);
  });

  it('a function node refuses a class, naming it and lp.ServiceNode', () => {
    const make = (): unknown => functionNode(Echo);
    expect(make).toThrow(/FunctionNode\(fn\) takes a function .* got the class Echo\./);
    expect(make).toThrow(/use new lp\.ServiceNode\(Class, \.\.\.args\)/);
    expect(() => functionNode(undefined)).toThrow(/got undefined\./);
  });

  it('accepts classes, classes compiled for old targets, and functions', () => {
    expect(new lp.ServiceNode(Echo).kind).toBe('service');
    expect(serviceNode(OldStyle).kind).toBe('service');
    expect(new lp.ServiceNode(class {}).kind).toBe('service');
    expect(new lp.FunctionNode(caller).kind).toBe('function');
    expect(new lp.FunctionNode(() => undefined).kind).toBe('function');
  });
});
