// Request ids (spec §9.1 X-Amz-Cf-Id): 40 random bytes in base64url with `==`, drawn in
// batches; ids from several batches are well formed, distinct, and decode to 40 bytes whose
// base64url encoding is the id itself.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newRequestId } from '../../../proxy/ids.js'

describe('newRequestId (spec §9.1)', () => {
  const ids = Array.from({ length: 256 * 3 + 7 }, () => newRequestId())

  it('every id is 54 base64url characters and ==', () => {
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{54}==$/)
  })

  it('ids are distinct across batches', () => {
    assert.equal(new Set(ids).size, ids.length)
  })

  it('each id is the base64url encoding of 40 bytes', () => {
    for (const id of ids) {
      const bytes = Buffer.from(id.slice(0, 54), 'base64url')
      assert.equal(bytes.length, 40)
      assert.equal(`${bytes.toString('base64url')}==`, id)
    }
  })

  it('the last byte is random too (all four final characters occur)', () => {
    const finals = new Set(ids.map((id) => id[53]))
    assert.deepEqual([...finals].sort(), ['A', 'Q', 'g', 'w'])
  })
})
