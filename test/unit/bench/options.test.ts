// bench/options.ts: the flags of `npm run bench` (bench/README.md, "Flags"), one table row per
// command line; the bench itself never runs under `npm test`.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseOptions, type BenchOptions } from '../../../bench/options.js'

const NAMES = ['baseline', 'proxy-miss', 'proxy-hit', 'naive-proxy']

const DEFAULTS: BenchOptions = {
  durationS: 5,
  runs: 3,
  connections: 50,
  warmupS: 2,
  settleS: 1,
  only: NAMES,
  tool: 'autocannon',
  rssWatchS: 0,
}

const GOOD: readonly [argv: string, expected: Partial<BenchOptions>][] = [
  ['', {}],
  ['--duration 10 --runs 5', { durationS: 10, runs: 5 }],
  ['--connections 100 --warmup 0', { connections: 100, warmupS: 0 }],
  ['--settle 0', { settleS: 0 }],
  ['--settle 3 --warmup 5', { settleS: 3, warmupS: 5 }],
  // --only keeps table order, whatever order the names were given in
  ['--only proxy-hit,baseline', { only: ['baseline', 'proxy-hit'] }],
  ['--only baseline,,naive-proxy,', { only: ['baseline', 'naive-proxy'] }],
  ['--tool wrk', { tool: 'wrk' }],
  ['--tool autocannon', { tool: 'autocannon' }],
  ['--rss-watch 60', { rssWatchS: 60 }],
  ['--only proxy-hit --rss-watch 30', { only: ['proxy-hit'], rssWatchS: 30 }],
]

const BAD: readonly [argv: string, message: RegExp][] = [
  ['--duration 0', /--duration must be a whole number from 1/],
  ['--duration 1.5', /--duration must be a whole number/],
  ['--runs -1', /--runs/],
  ['--connections x', /--connections must be a whole number/],
  ['--only nope', /unknown scenario nope/],
  ['--only ,', /at least one scenario/],
  ['--tool ab', /--tool must be one of autocannon, wrk/],
  ['--rss-watch 10 --only baseline', /--rss-watch needs the proxy-hit scenario/],
  ['--rss-watch -5', /--rss-watch/],
  ['--settle 61', /--settle must be a whole number from 0 to 60/],
  ['--bogus', /bogus/],
]

const argvOf = (line: string): string[] => line.split(' ').filter((w) => w !== '')

describe('bench options', () => {
  for (const [line, expected] of GOOD) {
    it(`parses '${line}'`, () => {
      assert.deepEqual(parseOptions(argvOf(line), NAMES), { ...DEFAULTS, ...expected })
    })
  }
  for (const [line, message] of BAD) {
    it(`rejects '${line}'`, () => {
      assert.throws(() => parseOptions(argvOf(line), NAMES), message)
    })
  }
  it('returns null for --help', () => {
    assert.equal(parseOptions(['--help'], NAMES), null)
    assert.equal(parseOptions(['-h'], NAMES), null)
  })
})
