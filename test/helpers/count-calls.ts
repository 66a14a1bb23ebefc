// Counts calls to a prototype's method while a suite runs, for tests that assert which code
// path answered (node:http's ServerResponse, IncomingMessage's dump): patched in, restored after.

export interface CallCounter {
  /** Calls since the last reset. */
  readonly count: number
  reset(): void
  /** Puts the original method back. */
  restore(): void
}

/** Wraps `proto[name]` to count the calls for which `counts(this)` holds (by default, all). */
export function countCalls<T extends object>(
  proto: T,
  name: string,
  counts: (self: T) => boolean = () => true,
): CallCounter {
  const target = proto as Record<string, unknown>
  const original = target[name] as (this: T, ...args: unknown[]) => unknown
  let count = 0
  target[name] = function (this: T, ...args: unknown[]) {
    if (counts(this)) count++
    return original.apply(this, args)
  }
  return {
    get count() {
      return count
    },
    reset() {
      count = 0
    },
    restore() {
      target[name] = original
    },
  }
}
