// Spec §2: path pattern matching and behavior selection, one row per documented rule.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  compileBehaviorTable,
  normalizePathForMatching,
  removeDotSegments,
} from '../../../proxy/cloudfront/behavior.js'
import {
  checkPathPattern,
  compilePathPattern,
  regexMatcher,
} from '../../../proxy/cloudfront/path-pattern.js'

const MATCHES: readonly [pattern: string, path: string, expected: boolean, rule: string][] = [
  ['/images/*.jpg', '/images/a.jpg', true, '* matches a file name'],
  ['images/*.jpg', '/images/a.jpg', true, 'leading / optional on the pattern'],
  ['/images/*.jpg', 'images/a.jpg', true, 'leading / optional on the path'],
  ['images/*.jpg', '/images/a/b/c.jpg', true, '* matches across /'],
  ['/images/*.jpg', '/images/a.JPG', false, 'case-sensitive extension'],
  ['*.jpg', '/LOGO.JPG', false, 'case-sensitive (spec example)'],
  ['/Images/*', '/images/a', false, 'case-sensitive directory'],
  ['*.doc*', '/a.doc', true, '*.doc* matches .doc'],
  ['*.doc*', '/a.docx', true, '*.doc* matches .docx'],
  ['*.doc*', '/a.docm', true, '*.doc* matches .docm'],
  ['*.doc?', '/a.doc', false, '? needs exactly one character'],
  ['*.doc?', '/a.docx', true, '? matches one character'],
  ['a??.jpg', '/ant.jpg', true, 'a??.jpg matches ant.jpg'],
  ['a??.jpg', '/an.jpg', false, '? never matches zero characters'],
  ['a?b', '/a/b', true, '? matches / (UNCONFIRMED, switch questionMarkMatchesSlash)'],
  ['/api/health', '/api/health', true, 'literal pattern matches exactly'],
  ['/api/health', '/api/health/x', false, 'literal pattern is anchored at the end'],
  ['/api/health', '/x/api/health', false, 'literal pattern is anchored at the start'],
  ['/api/*', '/api/', true, '* matches zero characters'],
  ['/api/*', '/api', false, 'the / before * is literal'],
  ['/a.b', '/aXb', false, '. is literal'],
  ['/a+b', '/a+b', true, '+ is literal'],
  ['/$x', '/$x', true, '$ is literal'],
  ['*', '/anything/at/all', true, '* alone matches every path'],
  ['/ab*ba', '/aba', false, 'prefix and suffix of prefix*suffix never overlap'],
  ['/ab*ba', '/abba', true, 'prefix*suffix with * matching nothing'],
  ['/img/*.png', '/img/a/b.png', true, 'prefix*suffix across /'],
  ['/img/*.png', '/img.png', false, 'prefix*suffix needs its prefix'],
  ['*.css', '/', false, '*suffix on a shorter path'],
  ['/', '/', true, 'the root pattern matches the root path'],
  ['/a*', '//a', false, 'only one leading / is optional'],
  ['/*a', '//a', true, '* matches a second /'],
]

describe('path patterns (spec §2)', () => {
  for (const [pattern, path, expected, rule] of MATCHES) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}: ${rule}`, () => {
      assert.equal(compilePathPattern(pattern)(path), expected)
    })
  }

  // The string shapes (literal, prefix*, *suffix, prefix*suffix) must decide exactly as the
  // general RegExp form does.
  const PATTERNS = ['/a', '/a*', '*a', '/a*b', '/ab*ba', '/x/*.js', '*.js', '/', 'a', 'a*', '/*a']
  const PATHS = ['', '/', '//', 'a', '/a', '//a', '/ab', '/aba', '/abba', '/abXba', '/x/y.js']
  for (const pattern of PATTERNS) {
    it(`${pattern}: the string shape agrees with the RegExp form on ${String(PATHS.length)} paths`, () => {
      const fast = compilePathPattern(pattern)
      const general = regexMatcher(pattern.startsWith('/') ? pattern.slice(1) : pattern)
      for (const path of PATHS)
        assert.equal(fast(path), general(path), `path ${JSON.stringify(path)}`)
    })
  }

  const CHECKS: readonly [string, boolean][] = [
    ['/images/*.jpg', true],
    ['/a_b-c.d*$/~"\'@:+&?', true],
    ['', false],
    ['/a b', false],
    ['/a#b', false],
    ['/a%20', false],
    ['/' + 'a'.repeat(254), true],
    ['/' + 'a'.repeat(255), false],
  ]
  for (const [pattern, ok] of CHECKS) {
    it(`checkPathPattern ${JSON.stringify(pattern.slice(0, 20))} → ${ok ? 'valid' : 'invalid'}`, () => {
      assert.equal(checkPathPattern(pattern) === undefined, ok)
    })
  }
})

describe('behavior selection (spec §2)', () => {
  const b = (pathPattern: string) => ({ pathPattern })
  const ordered = [b('/api/v1/*'), b('/api/*'), b('*.json'), b('/static/??/*')]
  const def = b('*')
  const table = compileBehaviorTable(ordered, def)
  const ROWS: readonly [string, string][] = [
    ['/api/v1/users', '/api/v1/*'],
    ['/api/v2/users', '/api/*'],
    ['/api/v1/data.json', '/api/v1/*'],
    ['/data.json', '*.json'],
    ['/static/en/app.js', '/static/??/*'],
    ['/static/eng/app.js', '*'],
    ['/', '*'],
  ]
  for (const [path, expected] of ROWS) {
    it(`${path} → ${expected} (first match in configured order, default last)`, () => {
      assert.equal(table.match(path).pathPattern, expected)
    })
  }
})

describe('path normalization for matching (spec §2, UNCONFIRMED)', () => {
  const ROWS: readonly [string, string][] = [
    ['/a/b', '/a/b'],
    ['/%61pi/x', '/api/x'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a%20b', '/a%20b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/../../b', '/b'],
    ['/a/b/..', '/a/'],
    ['/a/%2E%2E/b', '/b'],
  ]
  for (const [input, expected] of ROWS) {
    it(`${input} → ${expected}`, () => {
      assert.equal(normalizePathForMatching(input), expected)
    })
  }
  it('removeDotSegments keeps a trailing slash after a final dot segment', () => {
    assert.equal(removeDotSegments('/a/.'), '/a/')
  })
})
