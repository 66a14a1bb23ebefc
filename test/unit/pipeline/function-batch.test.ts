// proxy/pipeline/function-batch.ts: the function calls of one event-loop turn run together,
// in order, after the turn; each settles alone; calls queued later run in a later batch; with
// the switch off every call runs at once.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { batched, FUNCTION_BATCH } from '../../../proxy/pipeline/function-batch.js'

describe('function call batches', () => {
  afterEach(() => {
    FUNCTION_BATCH.enabled = true
  })

  it('calls of one turn run after it, together and in order', async () => {
    const ran: number[] = []
    const calls = [1, 2, 3].map((n) => batched(() => (ran.push(n), n * 10)))
    assert.deepEqual(ran, [], 'nothing runs before the turn ends')
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(ran, [1, 2, 3], 'all ran in the first batch after the turn, in order')
    assert.deepEqual(await Promise.all(calls.map((c) => Promise.resolve(c))), [10, 20, 30])
  })

  it('calls queued by separate callbacks of one loop phase wait for each other', async () => {
    // Two immediates stand for two requests read in one turn: the first one's call must not
    // run between them (a microtask flush would), but together with the second's, after both.
    const order: string[] = []
    const calls: unknown[] = []
    await new Promise<void>((done) => {
      setImmediate(() => calls.push(batched(() => order.push('call 1'))))
      setImmediate(() => {
        order.push('second callback')
        calls.push(batched(() => order.push('call 2')))
        setImmediate(done)
      })
    })
    await Promise.all(calls)
    assert.deepEqual(order, ['second callback', 'call 1', 'call 2'])
  })

  it('an exception rejects only its own call', async () => {
    const ok1 = batched(() => 'a')
    const bad = batched(() => {
      throw new Error('boom')
    })
    const ok2 = batched(() => 'b')
    await assert.rejects(Promise.resolve(bad), /boom/)
    assert.deepEqual(await Promise.all([Promise.resolve(ok1), Promise.resolve(ok2)]), ['a', 'b'])
  })

  it('a call queued while a batch settles runs in the next batch', async () => {
    const order: string[] = []
    const second = Promise.resolve(
      batched(() => {
        order.push('first')
        return 1
      }),
    ).then(() => batched(() => (order.push('second'), 2)))
    assert.equal(await second, 2)
    assert.deepEqual(order, ['first', 'second'])
  })

  it('with the switch off a call runs at once and returns its value', () => {
    FUNCTION_BATCH.enabled = false
    let ran = false
    const out = batched(() => ((ran = true), 7))
    assert.equal(ran, true)
    assert.equal(out, 7)
  })
})
