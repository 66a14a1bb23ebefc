// CPU pinning for the rows compared "on the same core" (perf-baseline.md's Varnish comparison,
// issue #8): the server's process group — every thread of every process (`taskset -a`) — on
// CPU 0, the runner on CPU 1 (it hosts autocannon and starts wrk, which inherits the mask), and
// both back on every CPU after the row. Linux with util-linux taskset only.
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { groupPids } from './cpu.js'

export const SERVER_CPU = '0'
export const GENERATOR_CPU = '1'

/** Why pinned rows cannot run on this machine, or null when they can. */
export function pinningUnavailable(): string | null {
  if (process.platform !== 'linux') return 'pinning needs Linux'
  if (cpus().length < 2) return 'pinning needs 2 CPUs'
  const r = spawnSync('taskset', ['-V'], { stdio: 'ignore', timeout: 5000 })
  return r.error === undefined && r.status === 0 ? null : 'no taskset on PATH (util-linux)'
}

/** Sets the CPU list of every thread of pid; false when taskset failed (e.g. pid gone). */
function setAffinity(pid: number, list: string): boolean {
  const args = ['-a', '-p', '-c', list, String(pid)]
  const r = spawnSync('taskset', args, { stdio: 'ignore', timeout: 5000 })
  return r.error === undefined && r.status === 0
}

/** Runs fn with process group pgid on SERVER_CPU and this runner on GENERATOR_CPU. */
export async function whilePinned<T>(pgid: number, fn: () => Promise<T>): Promise<T> {
  const every = `0-${String(cpus().length - 1)}`
  try {
    const pids = groupPids(pgid)
    if (pids.length === 0) throw new Error(`no processes in group ${String(pgid)} to pin`)
    for (const pid of pids) {
      if (!setAffinity(pid, SERVER_CPU)) throw new Error(`taskset could not pin pid ${pid}`)
    }
    if (!setAffinity(process.pid, GENERATOR_CPU))
      throw new Error('taskset could not pin the runner')
    return await fn()
  } finally {
    setAffinity(process.pid, every)
    for (const pid of groupPids(pgid)) setAffinity(pid, every)
  }
}
