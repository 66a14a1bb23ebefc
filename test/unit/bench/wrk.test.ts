// bench/load.ts: wrk's argv and its `--latency` text report (wrk 4.1), read into the same
// result shape as autocannon's. Samples are real wrk output with the numbers varied.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseWrkOutput, wrkArgs, type LoadResult } from '../../../bench/load.js'

const CLEAN = `Running 2s test @ http://127.0.0.1:18731/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.58ms   11.36ms 121.82ms   95.65%
    Req/Sec    20.17k     8.52k   27.99k    80.00%
  Latency Distribution
     50%    2.10ms
     75%    2.86ms
     90%    7.13ms
     99%   71.50ms
  40161 requests in 2.01s, 48.03MB read
Requests/sec:  19936.47
Transfer/sec:     23.84MB
`

const ERRORS = `Running 1m test @ http://127.0.0.1:8090/hit
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  300.12us   1.20s    91.00%
    Req/Sec    30.00k     1.00k   32.00k    70.00%
  Latency Distribution
     50%  812.00us
     75%    1.01ms
     90%    1.50ms
     99%    1.20s
  1800000 requests in 1.00m, 2.00GB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 7
Requests/sec:  30000.00
Transfer/sec:     34.00MB
`

const ROWS: readonly [name: string, text: string, expected: LoadResult][] = [
  [
    'a clean run',
    CLEAN,
    {
      requests: 40161,
      durationS: 2.01,
      p50Ms: 2.1,
      p99Ms: 71.5,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
    },
  ],
  [
    'microseconds, seconds, minutes and error lines',
    ERRORS,
    {
      requests: 1800000,
      durationS: 60,
      p50Ms: 0.812,
      p99Ms: 1200,
      errors: 6,
      timeouts: 4,
      non2xx: 7,
    },
  ],
]

describe('wrk output', () => {
  for (const [name, text, expected] of ROWS) {
    it(`reads ${name}`, () => {
      const r = parseWrkOutput(text)
      assert.equal(r.requests, expected.requests)
      assert.ok(Math.abs(r.durationS - expected.durationS) < 1e-9, `durationS ${r.durationS}`)
      assert.ok(Math.abs(r.p50Ms - expected.p50Ms) < 1e-9, `p50 ${r.p50Ms}`)
      assert.ok(Math.abs(r.p99Ms - expected.p99Ms) < 1e-9, `p99 ${r.p99Ms}`)
      assert.deepEqual(
        [r.errors, r.timeouts, r.non2xx],
        [expected.errors, expected.timeouts, expected.non2xx],
      )
    })
  }
  it('fails on output without the latency distribution (wrk run without --latency)', () => {
    const text = CLEAN.replace(/ {2}Latency Distribution[\s\S]*?99%.*\n/, '')
    assert.throws(() => parseWrkOutput(text), /50% latency/)
  })
  it('fails on an error message instead of a report', () => {
    assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n'))
  })
  it('builds -t1 argv with headers', () => {
    assert.deepEqual(
      wrkArgs({
        url: 'http://127.0.0.1:1/gz/page.html',
        durationS: 5,
        connections: 50,
        headers: { 'accept-encoding': 'gzip, br' },
      }),
      [
        '-t1',
        '-c50',
        '-d5s',
        '--latency',
        '-H',
        'accept-encoding: gzip, br',
        'http://127.0.0.1:1/gz/page.html',
      ],
    )
  })
})
