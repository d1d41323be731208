/**
 * @module
 * What `catch` hands over is `unknown`: these turn it into what a message or a rejection
 * needs, the same way everywhere. A non-Error value (a thrown string, a rejected number)
 * becomes its `String()`.
 */

/** The message of anything thrown: an `Error`'s message, or the value as a string. */
export function thrownMessage(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/**
 * Anything thrown as an `Error`, to reject or fail with: an `Error` as it is, anything else
 * wrapped in a plain `Error` whose message is the value as a string. (`LaunchpadError.from`
 * instead says that a non-Error value was thrown, for errors a user will read.)
 */
export function thrownAsError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/**
 * True when `thrown` is Node's failure to import the package `packageName` (an optional
 * dependency that is not installed), as opposed to a failure inside it.
 */
export function isMissingPackage(thrown: unknown, packageName: string): boolean {
  const code = (thrown as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' && thrownMessage(thrown).includes(packageName);
}
