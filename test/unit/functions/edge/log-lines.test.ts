// functions/edge/log-lines.ts: a worker's output as log lines, whatever its chunks.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lineSplitter, MAX_LOG_LINE } from '../../../../functions/edge/log-lines.js'

const long = 'x'.repeat(MAX_LOG_LINE)
const ROWS: readonly [rule: string, chunks: string[], lines: string[]][] = [
  ['lines end at \\n', ['a\nb\n'], ['a', 'b']],
  ['a line split across chunks is one line', ['he', 'llo\nwor', 'ld\n'], ['hello', 'world']],
  ['an empty line is a line', ['\n\n'], ['', '']],
  ['the unfinished last line comes at the end', ['a\nrest'], ['a', 'rest']],
  ['a long complete line is cut into pieces, none lost', [`${long}yz\n`], [long, 'yz']],
  ['a long unfinished line is cut as it grows', [long, 'ab', 'c\n'], [long, 'abc']],
]

describe('worker output as log lines', () => {
  for (const [rule, chunks, want] of ROWS) {
    it(rule, () => {
      const got: string[] = []
      const s = lineSplitter((line) => got.push(line))
      for (const c of chunks) s.push(c)
      s.end()
      assert.deepEqual(got, want)
    })
  }
})
