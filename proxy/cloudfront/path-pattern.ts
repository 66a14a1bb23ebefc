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
 * Compiles a pattern once into a matcher over a request path (no query string).
 * Literal patterns compile to a string compare; wildcard ones to an anchored RegExp.
 */
export function compilePathPattern(pattern: string): PathMatcher {
  const body = stripSlash(pattern)
  if (body === '*') return () => true
  if (!/[*?]/.test(body)) return (path) => stripSlash(path) === body
  const source = body
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, SWITCHES.questionMarkMatchesSlash ? '.' : '[^/]')
  const re = new RegExp(`^${source}$`, 's')
  return (path) => re.test(stripSlash(path))
}

function stripSlash(s: string): string {
  return s.charCodeAt(0) === 47 /* / */ ? s.slice(1) : s
}
