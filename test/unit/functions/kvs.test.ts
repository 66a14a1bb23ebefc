// KeyValueStore files (spec/cloudfront.md §7.4): both accepted formats, meta() from the file,
// and each quota (key 512 bytes, value 1 KB, store 5 MB) rejected at load naming file and key.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { KeyValueStoreLoadError, loadKeyValueStore } from '../../../functions/viewer/kvs.js'

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/functions/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-kvs-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = (content: unknown) => {
  const f = join(dir, `s${++n}.json`)
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content))
  return f
}

describe('loadKeyValueStore: formats', () => {
  it('reads the import format {"data": [{key, value}]}', () => {
    const s = loadKeyValueStore({ name: 'kv', file: join(FIXTURES, 'kvs-import.json') })
    assert.equal(s.get('greeting'), 'hello')
    assert.equal(s.get('/old'), '/new')
    assert.equal(s.get('missing'), undefined)
    assert.equal(s.meta().keyCount, 2)
  })
  it('reads a plain {key: value} object; non-strings are kept as JSON text', () => {
    const s = loadKeyValueStore({ name: 'kv', file: join(FIXTURES, 'kvs-plain.json') })
    assert.equal(s.get('greeting'), 'hi')
    assert.equal(s.get('config'), '{"on":true}')
  })
  it('name, id (default: the name) and arn', () => {
    const f = file({})
    const a = loadKeyValueStore({ name: 'kv', file: f })
    assert.deepEqual([a.name, a.id, a.arn], ['kv', 'kv', undefined])
    const arn = 'arn:aws:cloudfront::123456789012:key-value-store/abc'
    const b = loadKeyValueStore({ name: 'kv', id: 'abc', arn, file: f })
    assert.deepEqual([b.name, b.id, b.arn], ['kv', 'abc', arn])
  })
  it('meta(): ISO-8601 times from the file stats and the key count', () => {
    const f = file({ a: '1', b: '2', c: '3' })
    const m = loadKeyValueStore({ name: 'kv', file: f }).meta()
    assert.equal(m.keyCount, 3)
    assert.equal(m.lastUpdatedDateTime, statSync(f).mtime.toISOString())
    assert.match(m.creationDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })
  it('an empty data list is an empty store', () => {
    assert.equal(loadKeyValueStore({ name: 'kv', file: file({ data: [] }) }).meta().keyCount, 0)
  })
})

describe('loadKeyValueStore: errors name the file (and the key)', () => {
  const big = (bytes: number) => 'x'.repeat(bytes)
  const values = Array.from({ length: 6 }, (_, i) => [`k${i}`, big(1024)] as const)
  const rows: readonly { name: string; content: unknown; match: RegExp }[] = [
    { name: 'not JSON', content: '{nope', match: /not valid JSON/ },
    { name: 'an array', content: '[1]', match: /must be/ },
    {
      name: 'a key over 512 bytes',
      content: { [big(513)]: 'v' },
      match: /513 bytes; the limit is 512/,
    },
    { name: 'a key of 512 bytes is fine', content: { [big(512)]: 'v' }, match: /^$/ },
    {
      name: 'a value over 1 KB',
      content: { k: big(1025) },
      match: /value of key "k" is 1025 bytes/,
    },
    { name: 'a multi-byte value over 1 KB', content: { k: 'é'.repeat(513) }, match: /1026 bytes/ },
    { name: 'a value of exactly 1 KB is fine', content: Object.fromEntries(values), match: /^$/ },
    { name: 'an empty key', content: { '': 'v' }, match: /key is empty/ },
    {
      name: 'data item without a string key',
      content: { data: [{ value: 'v' }] },
      match: /data\[0\]\.key/,
    },
    {
      name: 'data item value not a string',
      content: { data: [{ key: 'k', value: 1 }] },
      match: /data\[0\]\.value.*"k"/,
    },
    {
      name: 'a duplicate key',
      content: {
        data: [
          { key: 'k', value: '1' },
          { key: 'k', value: '2' },
        ],
      },
      match: /"k" appears more than once/,
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const f = file(row.content)
      if (row.match.source === '^$') {
        loadKeyValueStore({ name: 'kv', file: f })
        return
      }
      assert.throws(
        () => loadKeyValueStore({ name: 'kv', file: f }),
        (err: unknown) =>
          err instanceof KeyValueStoreLoadError &&
          err.message.startsWith(f) &&
          row.match.test(err.message),
      )
    })
  }
  it('a store over 5 MB', () => {
    const data = Array.from({ length: 5200 }, (_, i) => ({ key: `key-${i}`, value: big(1024) }))
    const f = file({ data })
    assert.throws(
      () => loadKeyValueStore({ name: 'kv', file: f }),
      /exceeds 5242880 bytes \(5 MB\) at key "key-\d+"/,
    )
  })
  it('a missing file', () => {
    assert.throws(
      () => loadKeyValueStore({ name: 'kv', file: join(dir, 'none.json') }),
      /none\.json: cannot read/,
    )
  })
})
