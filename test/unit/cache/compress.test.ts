// Spec §10 mechanics: the stored compressed variant decodes back to the origin body.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { compressBody } from '../../../proxy/cache/compress.js'

const TEXT = Buffer.from(
  Array.from(
    { length: 2000 },
    (_, i) => `<li data-i="${String(i)}">item ${String(i % 97)}</li>`,
  ).join('\n'),
)
const BINARY = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))

describe('compressBody (spec §10)', () => {
  for (const [name, body] of [
    ['text', TEXT],
    ['binary', BINARY],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    it(`gzip of a ${name} body decodes back to it`, async () => {
      const z = await compressBody(body, 'gzip')
      assert.deepEqual(gunzipSync(z), body)
      if (body.length > 0) assert.equal(z[0], 0x1f)
    })
    it(`br of a ${name} body decodes back to it`, async () => {
      const z = await compressBody(body, 'br')
      assert.deepEqual(brotliDecompressSync(z), body)
    })
  }
  it('actually shrinks text', async () => {
    assert.ok((await compressBody(TEXT, 'gzip')).length < TEXT.length / 3)
    assert.ok((await compressBody(TEXT, 'br')).length < TEXT.length / 3)
  })
})
