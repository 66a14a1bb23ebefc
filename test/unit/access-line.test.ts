// The hand-built access line (proxy/access-line.ts) against pino's own line for the same
// record, logged through a pino configured as createLogger configures it: the same text but
// for the time, table-driven over the value shapes a record holds. Then AccessLineWriter's
// copying of the fields a line shares with the line before it: a sequence written by one
// writer is, byte for byte, its lines written alone (table-driven over the ways values change
// from line to line), through a real LogBatch whose slabs fill, are replaced and are used
// again, and across two sinks; and a line copies only from the previous line in the same slab
// of the same sink, for the same pid.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import {
  AccessLineWriter,
  accessLine,
  accessLines,
  lineValues,
  type AccessExtra,
} from '../../proxy/access-line.js'
import { LogBatch, SLAB, type ByteSink } from '../../proxy/log-batch.js'
import { W3C_FIELDS, type AccessRecord } from '../../proxy/cloudfront/access-log.js'

/** A record with every field undefined but those given, in CloudFront's field order. */
function record(values: Partial<Record<string, string | number | undefined>>): AccessRecord {
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
    const lines = new AccessLineWriter()
    const now = Date.parse('2026-11-24T20:04:44.123Z')
    const want: string[] = []
    for (let i = 0; i < 300; i++) {
      const rec = record({ ...HIT, 'cs-uri-stem': `/${'p'.repeat(4 * i * SCALE)}`, 'sc-bytes': i })
      lines.write(batch, lineValues(rec, EXTRA), 7, now) // begins its own line
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

const NOW = Date.parse('2026-11-24T20:04:44.123Z')
const PID = 4242
/** Slabs are this many times 64 KiB: line lengths scale with them. */
const SCALE = SLAB / 65536

const PID_FIELD = /"pid":\d+/
const turn = () => new Promise((r) => setImmediate(r))

/** One line of a sequence, with the pid and the time it is written with. */
interface Step {
  readonly rec: AccessRecord
  readonly extra: AccessExtra
  readonly pid: number
  readonly now: number
}

/** HIT and EXTRA with some values replaced (undefined leaves a field out). */
function step(
  values: Partial<Record<string, string | number | undefined>> = {},
  extra: Partial<AccessExtra> = {},
  pid = PID,
  now = NOW,
): Step {
  return { rec: record({ ...HIT, ...values }), extra: { ...EXTRA, ...extra }, pid, now }
}

/** The same characters as `s` in a string built at run time: equal, not the same object. */
const rebuilt = (s: string) =>
  String.fromCharCode(...Array.from({ length: s.length }, (_, i) => s.charCodeAt(i)))

/** Every field defined, none of them as in HIT. */
const ALL = Object.fromEntries(
  W3C_FIELDS.map((f, i) => [f, i % 2 === 0 ? `all-${String(i)}` : 1000 + i]),
)
const ESCAPED = 'a "q" \\ \t\u0001'

const SEQUENCES: ReadonlyArray<readonly [string, readonly Step[]]> = [
  ['identical records repeated', [step(), step(), step(), step(), step()]],
  [
    'a string changing every line, to other lengths and back',
    ['/a', '/bbbbbbbbbbbb', '/c', '/a', '/obj', '/dd', '/dd'].map((s) =>
      step({ 'cs-uri-stem': s }),
    ),
  ],
  [
    'a number changing every line, to other widths and back',
    [1, 51234, 7, 1234567890, 51234, 0, 0.25, 1].map((p) => step({ 'c-port': p })),
  ],
  [
    'the ids, port and timings changing every line, as in a run of hits',
    Array.from({ length: 12 }, (_, i) =>
      step(
        {
          'x-edge-request-id': `req-${'r'.repeat(i % 4)}${String(i)}`,
          'c-port': 40000 + i * 1111,
          'time-taken': (0.001 * (i % 5)).toFixed(3),
          'time-to-first-byte': i % 3 === 0 ? undefined : i / 1000,
        },
        { reqId: `id${String(i * 7)}` },
      ),
    ),
  ],
  [
    'a field undefined, then defined, then undefined',
    [undefined, 'https://r.example/', undefined, undefined, 'x', 'x', undefined].map((r) =>
      step({ 'cs(Referer)': r }),
    ),
  ],
  [
    'the first and last fields, and the extra ones, coming and going',
    [
      step({ date: undefined, 'sc-range-end': 9 }, { origin: 'app', originMs: 12.5 }),
      step({ date: undefined }, { origin: 'app', originMs: 12.5 }),
      step({}, { origin: undefined, originMs: 12.5 }),
      step({ 'sc-range-end': 99999 }, { origin: 'app', originMs: undefined }),
      step({ 'sc-range-end': 99999 }, { origin: 'app', originMs: undefined }),
      step({ date: undefined }, { reqId: '' }),
    ],
  ],
  [
    'a value changing type',
    [
      step({ 'sc-status': 200, 'sc-content-len': '1024' }),
      step({ 'sc-status': '000', 'sc-content-len': 1024 }),
      step({ 'sc-status': 200, 'sc-content-len': '1024' }),
      step({ 'sc-status': '200', 'sc-content-len': '1024' }),
      step({ 'sc-status': 200, 'sc-content-len': 1024 }),
      step({ 'sc-status': 200, 'sc-content-len': 1024 }),
    ],
  ],
  [
    'equal strings that are different objects',
    [
      step({ 'cs-uri-stem': ['/o', 'bj'].join(''), 'c-ip': '127.0.0.1' }, { reqId: 'id1' }),
      step({ 'cs-uri-stem': 'x/obj'.slice(1), 'c-ip': rebuilt('127.0.0.1') }, { reqId: 'id1' }),
      step(
        { 'cs-uri-stem': rebuilt('/obj'), 'c-ip': `127.0.0.${String(1)}` },
        { reqId: rebuilt('id1'), behavior: ['*'].join('') },
      ),
      step({ 'cs-uri-stem': '/obj  '.trimEnd(), 'c-ip': rebuilt('127.0.0.1') }),
    ],
  ],
  [
    'a string needing escapes appearing, then disappearing',
    ['curl/8', ESCAPED, 'curl/8', rebuilt(ESCAPED), ESCAPED, 'curl/8', 'curl/8'].map((ua) =>
      step({ 'cs(User-Agent)': ua }, { behavior: ua === 'curl/8' ? '*' : '/"x"' }),
    ),
  ],
  [
    'non-ASCII text',
    ['café', 'café', '☕ x', 'plain', '😀', 'a\ud800b', 'a\ud800b', 'plain'].map((ua) =>
      step({ 'cs(User-Agent)': ua, 'cs-uri-query': ua === 'plain' ? '' : 'q=ü' }),
    ),
  ],
  [
    'NaN, never === itself, next to Infinity and minus zero',
    [NaN, NaN, 1, NaN, Infinity, Infinity, -0, 0, -0, NaN].map((b) =>
      step({ 'sc-bytes': b }, { originMs: b }),
    ),
  ],
  [
    'the time changing between lines',
    [NOW, NOW, NOW + 1, NOW + 1, NOW + 1000, NOW, NOW + 86_400_000].map((now) =>
      step({}, {}, PID, now),
    ),
  ],
  ['the pid changing between lines', [7, 7, 8, 7, 12345, 12345, 7].map((pid) => step({}, {}, pid))],
  [
    'fields changing back to earlier values, runs following fresh fields of other lengths',
    [
      step({ 'x-edge-location': 'L', 'c-port': 1 }, { originMs: undefined }),
      step({ 'x-edge-location': 'LOCAL1-C1-LONGER', 'c-port': 1 }, { originMs: 3.25 }),
      step({ 'x-edge-location': 'L', 'c-port': 65535 }, { originMs: 3.25 }),
      step({ 'x-edge-location': 'L', 'c-port': 1 }, { originMs: undefined }),
      step({ 'x-edge-location': 'LOCAL1-C1-LONGER', 'c-port': 1 }, { originMs: 100000.5 }),
      step({ 'x-edge-location': 'LOCAL1-C1-LONGER', 'c-port': 1 }, { originMs: 100000.5 }),
      step({ 'x-edge-location': 'L', 'c-port': 65535 }, { originMs: undefined }),
    ],
  ],
  [
    'reqId the same string as x-edge-request-id, as log.ts gives them, and then not',
    [`a"b`, 'plain-id-1', 'plain-id-2', 'ü-id', undefined, 'plain-id-2', 'x'].map((id, i) => {
      const reqId = i === 6 ? 'other' : (id ?? 'none')
      return step({ 'x-edge-request-id': id }, { reqId })
    }),
  ],
  [
    'every field changing at once, then none',
    [
      step(ALL, { origin: 'o' }),
      step(),
      step(ALL, { origin: 'o' }),
      step(ALL, { origin: 'o' }),
      step(),
      step(),
    ],
  ],
]

/** The lines of `steps`, each written alone (by a writer of its own). */
function alone(steps: readonly Step[]): string {
  return steps.map((s) => accessLine(s.rec, s.extra, s.pid, s.now)).join('')
}

/** The lines of `steps` written by one writer through a real LogBatch, as the bytes it hands
 * over. */
function throughBatch(steps: readonly Step[]): string {
  const chunks: Buffer[] = []
  const batch = new LogBatch({ write: (b: Buffer) => chunks.push(b) })
  const writer = new AccessLineWriter()
  for (const s of steps) writer.write(batch, lineValues(s.rec, s.extra), s.pid, s.now)
  batch.detach()
  return Buffer.concat(chunks).toString()
}

/** A sink whose slab is never replaced but when the test says so (slabNo++). */
function fixedSink(size: number): ByteSink {
  return {
    slab: Buffer.alloc(size),
    pos: 0,
    slabNo: 0,
    begin() {},
    room(n) {
      assert.ok(this.slab.length - this.pos >= n, 'the fixed sink is large enough')
    },
  }
}

describe('AccessLineWriter: lines copied from the line before', () => {
  for (const [name, steps] of SEQUENCES) {
    it(`writes a sequence as its lines written alone: ${name}`, async () => {
      const want = alone(steps)
      assert.equal(throughBatch(steps), want, 'one writer into a LogBatch')
      const sink = fixedSink(SLAB)
      const writer = new AccessLineWriter()
      for (const s of steps) writer.write(sink, lineValues(s.rec, s.extra), s.pid, s.now)
      assert.equal(sink.slab.toString('utf8', 0, sink.pos), want, 'one writer into one slab')
      const [first] = steps
      if (first && steps.every((s) => s.pid === first.pid && s.now === first.now)) {
        const lines = steps.map((s) => [s.rec, s.extra] as const)
        assert.equal(accessLines(lines, first.pid, first.now), want, 'accessLines')
      }
      // Each line is pino's but for the time and pid, which are the step's.
      const lines = want.split(/(?<=\n)/)
      assert.equal(lines.length, steps.length)
      const theirs = steps.map((s) => pinoLine(s.rec, s.extra))
      await turn()
      steps.forEach((s, i) => {
        const mine = lines[i] ?? ''
        const head = `{"level":30,"time":"${new Date(s.now).toISOString()}","pid":${String(s.pid)},`
        assert.ok(mine.startsWith(head), `line ${String(i)}: ${mine.slice(0, 80)}`)
        const norm = (l: string | undefined) =>
          (l ?? '').replace(TIME, '"time":*').replace(PID_FIELD, '"pid":*')
        assert.equal(norm(mine), norm(theirs[i]), `line ${String(i)}`)
      })
    })
  }

  // The copying itself, seen by altering the previous line's bytes in the slab after it is
  // written (its location and its method): a copied field shows the alteration, a field
  // encoded afresh does not. Rows: the second line's record, pid and time, what happens before
  // it, then the location and method it shows.
  const HEAD = record({ ...HIT, 'cs-method': 'HEAD' })
  const COPIES: ReadonlyArray<
    readonly [string, AccessRecord, number, number, 'slab' | 'sink' | '', string, string]
  > = [
    ['copies every field of the same record, pid and time', HIT, PID, NOW, '', 'LOCAL9-C9', 'PUT'],
    ['copies the fields after a head of another time', HIT, PID, NOW + 1, '', 'LOCAL9-C9', 'PUT'],
    [
      'copies the fields before a changed one, then that one afresh',
      HEAD,
      PID,
      NOW,
      '',
      'LOCAL9-C9',
      'HEAD',
    ],
    ['copies nothing for another pid', HIT, PID + 1, NOW, '', 'LOCAL1-C1', 'GET'],
    [
      'copies nothing once the slab is replaced (slabNo changed)',
      HIT,
      PID,
      NOW,
      'slab',
      'LOCAL1-C1',
      'GET',
    ],
    [
      'copies nothing after a line written into another sink',
      HIT,
      PID,
      NOW,
      'sink',
      'LOCAL1-C1',
      'GET',
    ],
  ]
  for (const [name, rec, pid, now, between, location, method] of COPIES) {
    it(name, () => {
      const sink = fixedSink(SLAB)
      const w = new AccessLineWriter()
      w.write(sink, lineValues(HIT, EXTRA), PID, NOW)
      const at = sink.pos
      tamper(sink, 0, '"x-edge-location":"LOCAL1-C1"', '"x-edge-location":"LOCAL9-C9"')
      tamper(sink, 0, '"cs-method":"GET"', '"cs-method":"PUT"')
      if (between === 'slab') sink.slabNo++
      if (between === 'sink') w.write(fixedSink(SLAB), lineValues(HIT, EXTRA), PID, NOW)
      w.write(sink, lineValues(rec, EXTRA), pid, now)
      const line = sink.slab.toString('utf8', at, sink.pos)
      assert.match(line, new RegExp(`"x-edge-location":"${location}"`))
      assert.match(line, new RegExp(`"cs-method":"${method}"`))
      // But for the alterations copied, the line is the one written alone.
      const want = accessLine(rec, EXTRA, pid, now)
        .replace('LOCAL1-C1', location)
        .replace('"cs-method":"GET"', `"cs-method":"${method}"`)
      assert.equal(line, want)
    })
  }

  // A second line crossing the end of the slab: in the middle of a run copied from the first,
  // or in a field written afresh after such a run (the rest of it then written afresh).
  const CROSSINGS: ReadonlyArray<readonly [string, AccessExtra]> = [
    ['copying a run of fields', EXTRA],
    ['writing a changed field', { ...EXTRA, reqId: 'R'.repeat(300) }],
  ]
  for (const [how, extra] of CROSSINGS) {
    it(`a line crossing the end of a slab while ${how} is whole, and not copied from`, () => {
      const chunks: Buffer[] = []
      const batch = new LogBatch({ write: (b: Buffer) => chunks.push(b) })
      const w = new AccessLineWriter()
      const first = accessLine(HIT, EXTRA, PID, NOW)
      const second = accessLine(HIT, extra, PID, NOW)
      // A pino line filling the slab so that the first line leaves room for the fields the two
      // share (up to reqId) and no more.
      const left = first.indexOf(',"reqId"') + 10
      batch.write(`${'p'.repeat(SLAB - first.length - left - 1)}\n`)
      w.write(batch, lineValues(HIT, EXTRA), PID, NOW)
      assert.equal(batch.pos, SLAB - left)
      const slabNo = batch.slabNo
      w.write(batch, lineValues(HIT, extra), PID, NOW)
      assert.notEqual(batch.slabNo, slabNo, 'the second line crossed the end of the slab')
      const at = batch.pos
      assert.equal(batch.slab.toString('latin1', 0, at), second)
      tamper(batch, 0, '"behavior":"*"', '"behavior":"#"')
      w.write(batch, lineValues(HIT, extra), PID, NOW)
      assert.equal(batch.slab.toString('latin1', at, batch.pos), second, 'nothing copied')
      w.write(batch, lineValues(HIT, extra), PID, NOW) // copied from the third
      batch.detach()
      const text = Buffer.concat(chunks).toString()
      assert.ok(text.endsWith(first + second.replace('"*"', '"#"') + second + second))
    })
  }

  // reqId is copied from the request id just written in the same line: the slab may end
  // anywhere around them, after a line that is copied from or not.
  for (const warm of [false, true]) {
    it(`writes reqId as the request id across a slab end (${warm ? 'after' : 'without'} a line before)`, () => {
      const id = 'I'.repeat(300)
      const rec = record({ ...HIT, 'x-edge-request-id': id })
      const extra = { ...EXTRA, reqId: id }
      const line = accessLine(rec, extra, PID, NOW)
      const before = accessLine(HIT, EXTRA, PID, NOW)
      const at = (key: string) => line.indexOf(`,"${key}"`)
      // The bytes left in the slab when the line starts: the slab ends in the request id, in
      // the fields between it and reqId, in reqId's key or its value, or just after it.
      const cuts = [at('x-edge-request-id') + 100, at('x-host-header') + 3, at('reqId') + 4]
      cuts.push(at('reqId') + 200, at('behavior'))
      for (const cut of cuts) {
        const chunks: Buffer[] = []
        const batch = new LogBatch({ write: (b: Buffer) => chunks.push(Buffer.from(b)) })
        const w = new AccessLineWriter()
        const filler = `${'p'.repeat(SLAB - cut - (warm ? before.length : 0) - 1)}\n`
        batch.write(filler)
        if (warm) w.write(batch, lineValues(HIT, EXTRA), PID, NOW)
        assert.equal(batch.pos, SLAB - cut)
        w.write(batch, lineValues(rec, extra), PID, NOW)
        w.write(batch, lineValues(rec, extra), PID, NOW)
        batch.detach()
        const want = filler + (warm ? before : '') + line + line
        assert.equal(Buffer.concat(chunks).toString(), want, `slab ending ${String(cut)} bytes in`)
      }
    })
  }

  it('writes long runs of lines of many lengths, pino lines between, through a batch whose slabs are used again', () => {
    // Writes complete a few lines after they are handed over; each is copied when reported.
    const pending: Buffer[] = []
    const out: Buffer[] = []
    let listener: (bytes: number) => void = () => {}
    const batch = new LogBatch(
      {
        write: (b: Buffer) => pending.push(b),
        onWritten: (l) => (listener = l),
      },
      60_000,
    )
    const report = () => {
      for (const view of pending.splice(0)) {
        out.push(Buffer.from(view))
        listener(view.length)
      }
    }
    const writer = new AccessLineWriter()
    const want: string[] = []
    const buffers = new Set<ArrayBufferLike>()
    let crossed = 0
    const n = 1200
    for (let i = 0; i < n; i++) {
      const ua =
        i === 500
          ? 'U'.repeat(100_000 * SCALE)
          : i === 900
            ? 'é"'.repeat(40_000 * SCALE)
            : `ua/${String(i % 3)}`
      const rec = record({
        ...HIT,
        'cs-uri-stem': `/${'p'.repeat(((i * 157) % 2400) * SCALE)}`,
        'cs(User-Agent)': ua,
        'c-port': i % 7 === 0 ? 51234 : i,
        'sc-status': i % 11 === 0 ? '000' : 200,
      })
      const extra = { ...EXTRA, reqId: i % 3 === 0 ? 'id' : `id${String(i)}` }
      const pid = i % 97 === 0 ? 8 : 7
      const now = NOW + Math.floor(i / 10)
      const slabNo = batch.slabNo
      writer.write(batch, lineValues(rec, extra), pid, now)
      if (batch.slabNo !== slabNo) crossed++
      want.push(accessLine(rec, extra, pid, now))
      if (i % 4 === 0) {
        const line = i % 40 === 0 ? `{"x":"${'z'.repeat(i * 3)}"}\n` : '{"x":1}\n'
        batch.write(line)
        want.push(line)
      }
      if (i % 3 === 0) report()
      buffers.add(batch.slab.buffer)
    }
    batch.flushBatch()
    report()
    batch.detach()
    assert.ok(crossed >= 20, `lines crossed slab ends (${String(crossed)})`)
    assert.ok(out.length >= 20, `many slabs handed over (${String(out.length)})`)
    assert.ok(buffers.size < out.length / 2, `slabs used again (${String(buffers.size)})`)
    assert.equal(Buffer.concat(out).toString(), want.join(''))
  })

  it('one writer alternating between two sinks writes each as its lines written alone', () => {
    const a: Buffer[] = []
    const b: Buffer[] = []
    const batches = [
      new LogBatch({ write: (x: Buffer) => a.push(x) }),
      new LogBatch({ write: (x: Buffer) => b.push(x) }),
    ] as const
    const want: [string[], string[]] = [[], []]
    const w = new AccessLineWriter()
    const order = 'ABABAABBBAABABBBBAAAAB'
    for (let i = 0; i < order.length; i++) {
      const k = order[i] === 'A' ? 0 : 1
      const s = step({ 'cs-uri-stem': `/${k === 0 ? 'a' : 'bbbbb'}${String(i % 3)}`, 'c-port': k })
      w.write(batches[k], lineValues(s.rec, s.extra), s.pid, s.now)
      want[k].push(accessLine(s.rec, s.extra, s.pid, s.now))
    }
    for (const batch of batches) batch.detach()
    assert.equal(Buffer.concat(a).toString(), want[0].join(''))
    assert.equal(Buffer.concat(b).toString(), want[1].join(''))
  })
})

/** Replaces `from` by `to` (as long) where it first occurs in the sink's slab at or after `at`. */
function tamper(sink: ByteSink, at: number, from: string, to: string): void {
  const i = sink.slab.indexOf(from, at, 'latin1')
  assert.ok(i >= 0 && i < sink.pos, `${from} is in the slab`)
  sink.slab.write(to, i, 'latin1')
}
