// Invalidation paths (spec §11.7): checks a path the way CreateInvalidation does and compiles
// a batch into one matcher over a cached object's URI and query string. Case-sensitive; `*`
// only last, matching any run of characters (including `/` and `?`); a path without `?`
// reaches only the variant without a query string. Headers and cookies are never consulted.
import type { InvalidationMatcher } from '../cache/admin-types.js'

export const MAX_INVALIDATION_PATH_LENGTH = 4000

/** Printable ASCII without space; anything else must arrive percent-encoded. */
const UNENCODED = /[^\x21-\x7e]/u

/** Returns why CloudFront would refuse the path, or undefined when it is acceptable. */
export function checkInvalidationPath(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty'
  if (!path.startsWith('/')) return 'must start with /'
  if (path.length > MAX_INVALIDATION_PATH_LENGTH) {
    return `must be at most ${MAX_INVALIDATION_PATH_LENGTH} characters (got ${path.length})`
  }
  const star = path.indexOf('*')
  if (star !== -1 && star !== path.length - 1) return '* is allowed only as the last character'
  const bad = UNENCODED.exec(path)
  if (bad) {
    return `${JSON.stringify(bad[0])} at offset ${bad.index} must be percent-encoded (non-ASCII, space and control characters)`
  }
  return undefined
}

/**
 * Compiles a batch of paths (each accepted by checkInvalidationPath; throws RangeError
 * otherwise) into a matcher. Exact paths are one Set lookup; wildcards a prefix test each.
 */
export function compileInvalidation(paths: readonly string[]): InvalidationMatcher {
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const path of paths) {
    const problem = checkInvalidationPath(path)
    if (problem !== undefined) {
      throw new RangeError(`invalidation path ${JSON.stringify(path)}: ${problem}`)
    }
    if (path === '/*') return () => true
    if (path.endsWith('*')) prefixes.push(path.slice(0, -1))
    // `/a?` names the same object as `/a`: the one without a query string.
    else exact.add(path.endsWith('?') ? path.slice(0, -1) : path)
  }
  return (uri, query) => {
    const full = query === '' ? uri : `${uri}?${query}`
    if (exact.has(full)) return true
    for (const p of prefixes) if (full.startsWith(p)) return true
    return false
  }
}
