// CloudFront cache-behavior path patterns (spec §2): `*` matches any run of characters
// including `/`, `?` exactly one character (including `/`, the spec's recommendation),
// everything else literal and case-sensitive; one leading `/` is optional on both sides.

import { SWITCHES } from './switches.js'

/** Characters CloudFront allows in a path pattern (spec §2), plus the wildcards. */
const ALLOWED = /^[A-Za-z0-9_\-.*$/~"'@:+&?]*$/
const MAX_LENGTH = 255

/** Returns a message when the pattern is not one CloudFront accepts, else undefined. */
export function checkPathPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'must not be empty'
  if (pattern.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`
  if (!ALLOWED.test(pattern)) {
    const bad = Array.from(pattern).find((c) => !ALLOWED.test(c)) ?? ''
    return `contains a character CloudFront does not allow in path patterns: ${JSON.stringify(bad)}`
  }
  return undefined
}

export type PathMatcher = (path: string) => boolean

/**
 * Compiles a pattern once into a matcher over a request path (no query string). The common
 * shapes — a literal, `prefix*`, `*suffix`, `prefix*suffix` — compare strings in place; any
 * other pattern runs an anchored RegExp from the path's first character after its `/`. No
 * shape copies the path: behaviors are tried in order on every request (§2).
 */
export function compilePathPattern(pattern: string): PathMatcher {
  const body = stripSlash(pattern)
  if (body === '*') return () => true
  const parts = body.split('*')
  if (body.includes('?') || parts.length > 2) return regexMatcher(body)
  if (parts.length === 1) {
    return (path) => {
      const from = startOf(path)
      return path.length - from === body.length && path.startsWith(body, from)
    }
  }
  const [prefix, suffix] = parts as [string, string]
  const least = prefix.length + suffix.length
  return (path) => {
    const from = startOf(path)
    return path.length - from >= least && path.startsWith(prefix, from) && path.endsWith(suffix)
  }
}

/** The general form for a pattern without its leading `/` (tests compare the shapes with it). */
export function regexMatcher(body: string): PathMatcher {
  const source = body
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, SWITCHES.questionMarkMatchesSlash ? '.' : '[^/]')
  // Sticky: the match starts exactly at lastIndex, so the path's `/` is skipped, not sliced off.
  const re = new RegExp(`${source}$`, 'sy')
  return (path) => {
    re.lastIndex = startOf(path)
    return re.test(path)
  }
}

/** Where a path's pattern-relevant part starts: after one leading `/`. */
function startOf(path: string): number {
  return path.charCodeAt(0) === 47 /* / */ ? 1 : 0
}

function stripSlash(s: string): string {
  return s.charCodeAt(0) === 47 /* / */ ? s.slice(1) : s
}
