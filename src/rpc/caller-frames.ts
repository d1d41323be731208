/**
 * @module
 * {@link withCallerFrames}: gives a {@link RemoteError} the frames of the code that made
 * the call, as an async stack would. The error is built where the answer arrives (a
 * socket handler), whose frames say nothing; the caller's are found at no cost per call
 * through V8's async stack traces: an error created in an async function resumed by the
 * failed call carries, as `at async …` frames, the functions awaiting it, the caller's
 * own among them. Nothing is captured unless a call fails.
 */
import { RemoteError } from '../errors/errors.ts';
import { mapNodeBundleFrames } from '../internal/node-bundle-frames.ts';

// Errors the caller need not handle (a call cut short by the program's stop): the
// caller's promise is marked handled too.
const quiet = new WeakSet<object>();

/** Marks `error` as one whose promise may go unawaited (see `ClientCall.failQuietly`). */
export function markQuiet(error: Error): void {
  quiet.add(error);
}

// Where `follow` finds the promise it settles, to mark it handled for a quiet error.
interface Followed {
  result: Promise<unknown> | undefined;
}

/** The promise of `call`'s result, whose remote error gains the caller's frames. */
export function withCallerFrames(call: Promise<unknown>): Promise<unknown> {
  // A plain object and a function made once, not a closure per call: the bundle names
  // every function it creates (`keepNames`), which costs a property definition each.
  const followed: Followed = { result: undefined };
  const result = follow(call, followed);
  followed.result = result;
  return result;
}

async function follow(call: Promise<unknown>, followed: Followed): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    if (typeof error === 'object' && error !== null && quiet.has(error)) {
      followed.result?.catch(ignore);
    }
    if (error instanceof RemoteError) addCallerFrames(error);
    throw error;
  }
}

// The frames of the functions awaiting the call, taken from a fresh error's async stack.
function addCallerFrames(error: RemoteError): void {
  const frames = (new Error().stack ?? '')
    .split('\n')
    .filter((line) => line.startsWith('    at async ') && !line.includes(' follow ('));
  if (frames.length > 0) {
    error.stack = `${error.stack ?? ''}\n${mapNodeBundleFrames(frames.join('\n'))}`;
  }
}

function ignore(): void {
  // Seen by whoever awaits the call; nobody else needs to.
}
