// The bench's CPU pinning (bench/pin.ts) for the rows compared on one core, issue #8's Varnish
// target: a real child process group is on CPU 0 and the runner on CPU 1 while the row runs,
// and both are back on the CPUs they had after it, also when the row fails. Also that the target's
// formula names rows that exist and are pinned.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { allowedCpus, inCpuList, pinningUnavailable, whilePinned } from '../../../bench/pin.js'
import { scenarios } from '../../../bench/scenarios.js'
import { computeTargets } from '../../../bench/targets.js'

const allowed = (pid: number): string => allowedCpus(pid) ?? 'gone'

const skip = pinningUnavailable() ?? false

describe('whilePinned', { skip }, () => {
  let every = ''
  let child: ReturnType<typeof spawn>
  let pid = 0
  before(() => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    })
    pid = child.pid!
    every = allowed(process.pid)
  })
  after(() => {
    child.kill('SIGKILL')
  })

  it('puts the group on CPU 0 and the runner on CPU 1 during the row', async () => {
    const seen = await whilePinned(pid, () => Promise.resolve([allowed(pid), allowed(process.pid)]))
    assert.deepEqual(seen, ['0', '1'])
    assert.equal(allowed(pid), every)
    assert.equal(allowed(process.pid), every)
  })

  it('unpins after a row that fails', async () => {
    await assert.rejects(
      whilePinned(pid, () => Promise.reject(new Error('load failed'))),
      /load failed/,
    )
    assert.equal(allowed(pid), every)
    assert.equal(allowed(process.pid), every)
  })

  it('refuses a group with no processes', async () => {
    await assert.rejects(
      whilePinned(2 ** 22 + 12345, () => Promise.resolve()),
      /no processes in group/,
    )
  })
})

describe('inCpuList', () => {
  const rows: [string, number, boolean][] = [
    ['0-1', 0, true],
    ['0-1', 1, true],
    ['0-1', 2, false],
    ['1', 0, false],
    ['2-3,0', 0, true],
    ['0,2-5', 1, false],
    ['0,2-5', 4, true],
  ]
  for (const [list, cpu, want] of rows) {
    it(`CPU ${String(cpu)} in "${list}": ${String(want)}`, () =>
      assert.equal(inCpuList(list, cpu), want))
  }
})

describe('the Varnish rows', () => {
  it('the target divides two pinned rows that exist, over the same path', () => {
    const t = computeTargets(new Map(), null).find((x) => x.name === 'Varnish, one core')!
    const names = t.formula.split(' / ')
    const rows = names.map((n) => scenarios.find((s) => s.name === n))
    assert.deepEqual(
      rows.map((r) => [r?.target, r?.pinned, r?.path]),
      [
        ['proxy', true, '/hit'],
        ['varnish', true, '/hit'],
      ],
    )
  })

  it('the whole-box target divides two unpinned rows that exist, over the same path', () => {
    const t = computeTargets(new Map(), null).find((x) => x.name === 'Varnish, whole box')!
    const rows = t.formula.split(' / ').map((n) => scenarios.find((s) => s.name === n))
    assert.deepEqual(
      rows.map((r) => [r?.target, r?.pinned ?? false, r?.path]),
      [
        ['proxy', false, '/hit'],
        ['varnish', false, '/hit'],
      ],
    )
  })
})
