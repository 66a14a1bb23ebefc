// Micro-benchmark of the access log (spec §11.8, issue #8: logging on costs at most 10% of hit
// throughput): ns per AccessLog.record() of a cache hit through edgeproxy's own logger
// (createLogger), its lines written to stdout as the proxy writes them. Run after a build, with
// stdout going where the proxy's would: node dist/bench/micro/access-log.js >/dev/null
// Logging on (LOG_LEVEL=info) and off (warn, the reference) alternate, records back to back and
// with 256 KiB of other memory read between records, as a request's own work does in the proxy
// (the line's code and data are then partly out of the CPU's caches). Informational: prints to
// stderr, exits 0.
import { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createAccessLog, createLogger, type AccessLog } from '../../proxy/log.js'
import { newRequestId } from '../../proxy/ids.js'
import type { Exchange } from '../../proxy/pipeline/exchange.js'

/** Records per event-loop turn, as a proxy at ~40k req/s on 50 connections sees them. */
const PER_TURN = 50
const RECORDS = 100_000
const ROUNDS = 6
/** KiB read between two records in the cold rows. */
const BETWEEN_KIB = [0, 256]

/** The fields of a fast-path hit's exchange on connection i that the access log reads. */
function hit(i: number) {
  const sent = { headersSent: true, statusCode: 200 }
  return {
    id: '',
    startedAtMs: 0,
    headersAtMs: 0,
    dist: { pop: 'LOCAL1-C1', distributionDomain: 'd111111abcdef8.cloudfront.net' },
    viewer: {
      method: 'GET',
      url: '/a.bin',
      path: '/a.bin',
      query: '',
      headers: { host: '127.0.0.1:18750' },
      rawHeaders: ['Host', '127.0.0.1:18750'],
      scheme: 'http',
      httpVersion: '1.1',
      clientIp: '127.0.0.1',
      clientPort: 40000 + i,
      socket: new Socket(),
      hasBody: false,
    },
    res: sent,
    behavior: { id: '*' },
    origin: undefined,
    resultType: 'Hit',
    detailedResult: undefined,
    failedOver: undefined,
    originMs: undefined,
    response: {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': '1024' },
      body: Buffer.alloc(1024),
    },
    bytesSent: 1024,
    wireRead: 45,
    wireWritten: 1380,
  }
}

const exchanges = Array.from({ length: PER_TURN }, (_, i) => hit(i))
/** Logging on (LOG_LEVEL=info) and off (warn: record() returns at once), the reference. */
const onLog = createAccessLog(createLogger('info'), undefined)
const off = createAccessLog(createLogger('warn'), undefined)
const other = new Uint8Array(Math.max(...BETWEEN_KIB) * 1024)
let sum = 0

/** Reads `kib` KiB of other memory, a byte per cache line. */
function readOther(kib: number): void {
  for (let k = 0; k < kib * 1024; k += 64) sum += other[k] as number
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

async function round(access: AccessLog, betweenKib: number): Promise<number> {
  let ms = 0
  for (let done = 0; done < RECORDS; done += PER_TURN) {
    for (const ex of exchanges) {
      readOther(betweenKib)
      const t = performance.now()
      const now = Date.now()
      ex.id = newRequestId()
      ex.startedAtMs = ex.headersAtMs = now
      access.record(ex as unknown as Exchange, now)
      ms += performance.now() - t
    }
    await turn() // the batch's writes complete, as between the proxy's turns
  }
  return (ms * 1e6) / RECORDS
}

process.stderr.write(
  `access log micro-bench: ns per record() of a hit, its request id and timer included, median of ${String(ROUNDS)} rounds of ${String(RECORDS)}, on and off alternating (node ${process.version})\n`,
)
const median = (ns: number[]) => [...ns].sort((a, b) => a - b)[Math.floor(ns.length / 2)] as number
for (const kib of BETWEEN_KIB) {
  const on: number[] = []
  const reference: number[] = []
  for (let r = 0; r < ROUNDS + 1; r++) {
    on.push(await round(onLog, kib))
    reference.push(await round(off, kib))
  }
  on.shift() // warm-up
  reference.shift()
  const [a, b] = [median(on), median(reference)]
  process.stderr.write(
    `  ${String(kib).padStart(3)} KiB read between records: on ${a.toFixed(0)} ns, off ${b.toFixed(0)} ns, the line ${(a - b).toFixed(0)} ns\n`,
  )
}
await onLog.close()
if (sum < 0) process.stderr.write('') // keeps readOther's reads
