// The hand-built access line (proxy/access-line.ts) against pino's own line for the same
// record, logged through a pino configured as createLogger configures it: the same text but
// for the time, table-driven over the value shapes a record holds.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { accessLine, writeAccessLine, type AccessExtra } from '../../proxy/access-line.js'
import { LogBatch } from '../../proxy/log-batch.js'
import { W3C_FIELDS, type AccessRecord } from '../../proxy/cloudfront/access-log.js'

/** A record with every field undefined but those given, in CloudFront's field order. */
function record(values: Partial<Record<string, string | number>>): AccessRecord {
  const r: Record<string, string | number | undefined> = {}
  for (const f of W3C_FIELDS) r[f] = values[f]
  return r as AccessRecord
}

const HIT = record({
  date: '2026-11-24',
  time: '20:04:44',
  'x-edge-location': 'LOCAL1-C1',
  'sc-bytes': 1095,
  'c-ip': '127.0.0.1',
  'cs-method': 'GET',
  'cs-uri-stem': '/obj',
  'sc-status': 200,
  'cs-uri-query': '',
  'x-edge-result-type': 'Hit',
  'c-port': 51234,
  'time-taken': '0.001',
  'sc-content-len': '1024',
})
const EXTRA: AccessExtra = { reqId: 'id1', behavior: '*', origin: undefined, originMs: undefined }

const ROWS: ReadonlyArray<readonly [string, AccessRecord, AccessExtra]> = [
  ['a plain hit, undefined fields left out', HIT, EXTRA],
  ['a miss with its origin and origin time', HIT, { ...EXTRA, origin: 'app', originMs: 12.5 }],
  ['a status not sent', record({ 'sc-status': '000', 'cs-method': 'GET' }), EXTRA],
  [
    'quotes, backslashes and control characters',
    record({ 'cs(User-Agent)': 'a "b" \\c\td\u0001e', 'cs(Referer)': 'x\ny' }),
    EXTRA,
  ],
  ['non-ASCII text', record({ 'cs(User-Agent)': 'café ☕ 😀', 'cs-uri-query': 'q=ü' }), EXTRA],
  ['a long string with quotes', record({ 'cs(Cookie)': `${'a"'.repeat(80)}\u007f` }), EXTRA],
  ['numbers that are not finite', record({ 'sc-bytes': NaN, 'cs-bytes': Infinity }), EXTRA],
  ['negative and fractional numbers', record({ 'sc-bytes': -1, 'c-port': 0.5 }), EXTRA],
  ['a behavior with JSON specials', HIT, { ...EXTRA, behavior: '/a/"*"\\' }],
  ['a lone surrogate in a short string', HIT, { ...EXTRA, behavior: 'a\ud800"b' }],
  ['a lone surrogate in a long string', HIT, { ...EXTRA, origin: `${'o'.repeat(120)}\udc00` }],
  ['minus zero', record({ 'sc-bytes': -0 }), { ...EXTRA, originMs: -0 }],
  ['the longest number text', record({ 'sc-bytes': -0.0000012345678901234567 }), EXTRA],
  [
    'large integers',
    record({ 'sc-bytes': Number.MAX_SAFE_INTEGER, 'cs-bytes': 2 ** 60, 'c-port': 1e21 }),
    EXTRA,
  ],
  [
    'every field, in order',
    record(Object.fromEntries(W3C_FIELDS.map((f, i) => [f, i % 2 === 0 ? `v${String(i)}` : i]))),
    { reqId: 'r', behavior: 'b', origin: 'o', originMs: 3 },
  ],
]

function pinoLine(rec: AccessRecord, extra: AccessExtra): string {
  let out = ''
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString()
      done()
    },
  })
  const log = pino(
    { level: 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    sink,
  )
  log.info({ ...rec, ...extra }, 'access')
  return out
}

const TIME = /"time":"[^"]*"/

describe('accessLine', () => {
  it('writes whole lines into a log batch across the ends of its slabs', () => {
    const chunks: Buffer[] = []
    const batch = new LogBatch({ write: (b: Buffer) => chunks.push(b) })
    const now = Date.parse('2026-11-24T20:04:44.123Z')
    const want: string[] = []
    for (let i = 0; i < 300; i++) {
      const rec = record({ ...HIT, 'cs-uri-stem': `/${'p'.repeat(i)}`, 'sc-bytes': i })
      writeAccessLine(batch, rec, EXTRA, 7, now) // begins its own line
      want.push(accessLine(rec, EXTRA, 7, now))
    }
    assert.ok(chunks.length >= 2, 'slabs were handed over as they filled')
    batch.detach()
    assert.equal(Buffer.concat(chunks).toString(), want.join(''))
  })

  for (const [name, rec, extra] of ROWS) {
    it(`writes pino's line: ${name}`, async () => {
      const mine = accessLine(rec, extra, process.pid, Date.parse('2026-11-24T20:04:44.123Z'))
      const theirs = pinoLine(rec, extra)
      await new Promise((r) => setImmediate(r))
      // Compared as the bytes a destination writes (UTF-8), where pino's text ends up.
      const written = Buffer.from(mine).toString()
      assert.equal(written.replace(TIME, '"time":*'), theirs.replace(TIME, '"time":*'))
      assert.match(mine, /"time":"2026-11-24T20:04:44\.123Z"/)
      assert.ok(mine.endsWith('}\n'))
      JSON.parse(mine)
    })
  }
})
