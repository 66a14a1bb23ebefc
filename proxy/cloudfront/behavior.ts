// Cache-behavior selection (spec §2): behaviors are tried in configured order, the first
// pattern that matches the request path wins, and the default behavior (`*`) comes last.
// Selection ignores the query string; a URI rewritten by a function does not re-select.
import { compilePathPattern, type PathMatcher } from './path-pattern.js'

export interface MatchableBehavior {
  readonly pathPattern: string
}

export interface BehaviorTable<B> {
  /** The first behavior whose pattern matches `path`, else the default one. */
  match(path: string): B
}

export function compileBehaviorTable<B extends MatchableBehavior>(
  ordered: readonly B[],
  defaultBehavior: B,
): BehaviorTable<B> {
  const rows: readonly { matches: PathMatcher; behavior: B }[] = ordered.map((behavior) => ({
    matches: compilePathPattern(behavior.pathPattern),
    behavior,
  }))
  return {
    match(path) {
      for (const row of rows) if (row.matches(path)) return row.behavior
      return defaultBehavior
    },
  }
}

const UNRESERVED = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[dDeE]|5[fF]|7[eE])/g

/**
 * The copy of the path used for matching (spec §2, UNCONFIRMED, switch
 * `normalizePathForMatching`): percent-escapes of unreserved characters decoded and dot
 * segments removed (RFC 3986 §5.2.4). Everything else stays as sent.
 */
export function normalizePathForMatching(path: string): string {
  let p = path.includes('%') ? path.replace(UNRESERVED, decodeOne) : path
  if (p.includes('/.')) p = removeDotSegments(p)
  return p
}

function decodeOne(escape: string): string {
  return String.fromCharCode(parseInt(escape.slice(1), 16))
}

/** RFC 3986 §5.2.4 on an absolute path. */
export function removeDotSegments(path: string): string {
  const out: string[] = []
  const segments = path.split('/')
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!
    const last = i === segments.length - 1
    if (seg === '.' || seg === '..') {
      if (seg === '..') out.pop()
      if (last) out.push('')
    } else {
      out.push(seg)
    }
  }
  return '/' + out.join('/')
}
