/**
 * @module
 * Which kind of code a node was given, checked when the node is made: JavaScript callers
 * (and `as any`) pass what the types refuse, and a class given to a function node, or a
 * function given to a service node, would otherwise fail only inside the node, with
 * V8's words ("is not a constructor").
 */
import { LaunchpadError } from '../errors/errors.ts';

const isClass = (code: unknown): boolean =>
  typeof code === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(code));

const nameOf = (code: unknown): string =>
  typeof code === 'function' && code.name !== '' ? code.name : typeof code;

const notCode = (code: unknown): string =>
  code === undefined || code === null ? String(code) : `a ${typeof code}`;

// A function compiled from a class for an old target has methods on its prototype.
const hasMethods = (code: unknown): boolean =>
  typeof code === 'function' &&
  typeof code.prototype === 'object' &&
  Object.getOwnPropertyNames(code.prototype as object).some((name) => name !== 'constructor');

/** Throws `INVALID_ARGUMENT` unless `code` is a class (or a function with methods). */
export function checkServiceClass(code: unknown): void {
  if (isClass(code) || hasMethods(code)) return;
  const what = typeof code === 'function' ? `the function ${nameOf(code)}` : notCode(code);
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `new lp.ServiceNode(service) takes a class whose methods the node serves, got ${what}. ` +
      'For a function that is the node’s main, use new lp.FunctionNode(fn, ...args).',
  );
}

/** Throws `INVALID_ARGUMENT` unless `code` is a function that is not a class. */
export function checkNodeFunction(code: unknown): void {
  if (typeof code === 'function' && !isClass(code)) return;
  const what = isClass(code) ? `the class ${nameOf(code)}` : notCode(code);
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `new lp.FunctionNode(fn) takes a function that is the node’s main, got ${what}. ` +
      'For a class whose methods the node serves, use new lp.ServiceNode(Class, ...args).',
  );
}
