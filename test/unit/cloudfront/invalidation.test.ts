// Spec §11.7: invalidation paths, one row per documented rule — which paths CloudFront
// accepts, and which cached (uri, query) pairs a batch reaches.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkInvalidationPath,
  compileInvalidation,
} from '../../../proxy/cloudfront/invalidation.js'

const MATCHES: readonly [
  paths: readonly string[],
  uri: string,
  query: string,
  expected: boolean,
  rule: string,
][] = [
  [['/a/b'], '/a/b', '', true, 'exact path matches its object'],
  [['/a/b'], '/a/b/', '', false, 'exact path is anchored at the end'],
  [['/a/b'], '/a/bc', '', false, 'exact path is not a prefix'],
  [['/a/b'], '/x/a/b', '', false, 'exact path is anchored at the start'],
  [['/a/b'], '/a/b', 'x=1', false, 'a path without ? reaches only the variant without a query'],
  [['/a/b?x=1'], '/a/b', 'x=1', true, 'a path with a query string matches that variant'],
  [['/a/b?x=1'], '/a/b', 'x=2', false, 'query string compared exactly'],
  [['/a/b?x=1'], '/a/b', 'x=1&y=2', false, 'query string is not a prefix'],
  [['/a/b?x=1'], '/a/b', '', false, 'a path with a query misses the variant without one'],
  [['/a/b?'], '/a/b', '', true, 'a trailing ? names the variant without a query'],
  [['/A/b'], '/a/b', '', false, 'case-sensitive directory'],
  [['/a/b.JPG'], '/a/b.jpg', '', false, 'case-sensitive extension'],
  [['/a/b?X=1'], '/a/b', 'x=1', false, 'case-sensitive query string'],
  [['/img/*'], '/img/a.png', '', true, '/dir/* matches a file in dir'],
  [['/img/*'], '/img/a/b/c.png', '', true, '* matches across /'],
  [['/img/*'], '/img/', '', true, '* matches zero characters'],
  [['/img/*'], '/img/a.png', 'w=100', true, '* reaches variants with a query string'],
  [['/img/*'], '/img', '', false, '/dir/* does not match dir itself'],
  [['/img/*'], '/images/a.png', '', false, '/dir/* does not match a sibling'],
  [['/img/*'], '/IMG/a.png', '', false, 'wildcard prefix is case-sensitive'],
  [['/file*'], '/file', '', true, '/file* matches /file'],
  [['/file*'], '/files/x', '', true, '/file* matches subdirectories of /files'],
  [['/file*'], '/fileX.txt', '', true, '/file* matches /fileX…'],
  [['/file*'], '/file', 'v=2', true, '/file* matches /file with a query string'],
  [['/file*'], '/fil', '', false, '/file* needs the whole prefix'],
  [['/file.*'], '/file.css', '', true, '/file.* matches every extension'],
  [['/file.*'], '/file', '', false, '/file.* needs the dot'],
  [['/a/b.jpg*'], '/a/b.jpg', 'size=large', true, 'path* reaches query variants'],
  [['/a/b.jpg?size=*'], '/a/b.jpg', 'size=large', true, '* may end a query string'],
  [['/a/b.jpg?size=*'], '/a/b.jpg', '', false, 'query wildcard needs the ?'],
  [['/*'], '/', '', true, '/* matches the root'],
  [['/*'], '/any/thing', 'q=1', true, '/* matches everything'],
  [['/a', '/b/*'], '/b/c', '', true, 'a batch matches when any path matches'],
  [['/a', '/b/*'], '/c', '', false, 'a batch misses when no path matches'],
  [['/caf%C3%A9'], '/caf%C3%A9', '', true, 'percent-encoded paths compare as cached'],
]

describe('invalidation matching (spec §11.7)', () => {
  for (const [paths, uri, query, expected, rule] of MATCHES) {
    const target = query === '' ? uri : `${uri}?${query}`
    it(`${paths.join(' ')} ${expected ? 'matches' : 'does not match'} ${target}: ${rule}`, () => {
      assert.equal(compileInvalidation(paths)(uri, query), expected)
    })
  }

  it('refuses to compile a path CloudFront would reject', () => {
    assert.throws(() => compileInvalidation(['/ok', 'img/*']), /"img\/\*": must start with \//)
  })
})

const CHECKS: readonly [path: string, problem: RegExp | undefined, rule: string][] = [
  ['/a/b', undefined, 'plain path'],
  ['/', undefined, 'the root'],
  ['/*', undefined, 'everything'],
  ['/img/*', undefined, '* as the last character'],
  ['/a/b?x=1&y=*', undefined, '* last in a query string'],
  ['/caf%C3%A9', undefined, 'percent-encoded non-ASCII'],
  ['/' + 'a'.repeat(3999), undefined, '4,000 characters'],
  ['', /must not be empty/, 'empty'],
  ['a/b', /must start with \//, 'no leading / (the API needs one)'],
  ['*', /must start with \//, 'bare *'],
  ['/' + 'a'.repeat(4000), /at most 4000 characters \(got 4001\)/, 'over 4,000 characters'],
  ['/img/*.jpg', /only as the last character/, '* in the middle'],
  ['/*/a', /only as the last character/, '* as a directory'],
  ['/a**', /only as the last character/, 'two trailing *'],
  ['/café', /"é" at offset 4 must be percent-encoded/, 'non-ASCII'],
  ['/a b', /" " at offset 2 must be percent-encoded/, 'space'],
  ['/a\tb', /must be percent-encoded/, 'control character'],
]

describe('invalidation path checks (spec §11.7)', () => {
  for (const [path, problem, rule] of CHECKS) {
    it(`${JSON.stringify(path.length > 40 ? `${path.slice(0, 12)}…` : path)} ${problem ? 'is refused' : 'is accepted'}: ${rule}`, () => {
      const got = checkInvalidationPath(path)
      if (problem === undefined) assert.equal(got, undefined)
      else assert.match(got ?? '(accepted)', problem)
    })
  }
})
