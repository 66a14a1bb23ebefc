// The stdout log destination's front (proxy/turn-batch.ts): one write per event-loop turn with
// every line of the turn in order, flushes on demand, and a failing destination never throws.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TurnBatch } from '../../proxy/turn-batch.js'

const turn = () => new Promise((r) => setImmediate(r))

describe('TurnBatch', () => {
  it('hands the lines of one turn over in one write, in order', async () => {
    const writes: string[] = []
    const batch = new TurnBatch({ write: (s: string) => writes.push(s) })
    batch.write('a\n')
    batch.write('b\n')
    assert.deepEqual(writes, [])
    await turn()
    batch.write('c\n')
    await turn()
    assert.deepEqual(writes, ['a\nb\n', 'c\n'])
    batch.detach()
  })

  it('flushes at once on flushBatch and flush, then calls the destination flush', async () => {
    const writes: string[] = []
    let flushed = 0
    const batch = new TurnBatch({
      write: (s: string) => writes.push(s),
      flush: (cb?: (err?: Error) => void) => {
        flushed++
        cb?.()
      },
    })
    batch.write('a\n')
    batch.flushBatch()
    assert.deepEqual(writes, ['a\n'])
    batch.write('b\n')
    await new Promise<void>((resolve) => batch.flush(() => resolve()))
    assert.deepEqual(writes, ['a\n', 'b\n'])
    assert.equal(flushed, 1)
    await turn()
    assert.deepEqual(writes, ['a\n', 'b\n'], 'nothing written twice')
    batch.detach()
  })

  it('survives a destination that throws', async () => {
    const batch = new TurnBatch({
      write: () => {
        throw new Error('destroyed')
      },
    })
    const stderr = process.stderr.write.bind(process.stderr)
    let said = ''
    process.stderr.write = (s: string | Uint8Array) => ((said += String(s)), true)
    try {
      batch.write('a\n')
      await turn()
    } finally {
      process.stderr.write = stderr
    }
    assert.match(said, /log lines lost: Error: destroyed/)
    batch.detach()
  })
})
