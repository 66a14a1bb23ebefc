// CPU pinning for the rows compared "on the same core" (perf-baseline.md's Varnish comparison,
// issue #8): the server's process group — every thread of every process (`taskset -a`) — on
// CPU 0, the runner on CPU 1 (it hosts autocannon and starts wrk, which inherits the mask), and
// both back on the CPUs they had after the row. Linux with util-linux taskset only.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { groupPids } from './cpu.js'

export const SERVER_CPU = '0'
export const GENERATOR_CPU = '1'

/** The CPUs pid may run on (`Cpus_allowed_list`, e.g. "0-1"), or null when it is gone. */
export function allowedCpus(pid: number): string | null {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null
  } catch {
    return null
  }
}

/** Whether CPU n is in a list like "0-3,6". */
export function inCpuList(list: string, n: number): boolean {
  return list.split(',').some((part) => {
    const [a, b] = part.split('-').map(Number)
    return a !== undefined && n >= a && n <= (b ?? a)
  })
}

/** Why pinned rows cannot run on this machine, or null when they can. */
export function pinningUnavailable(): string | null {
  if (process.platform !== 'linux') return 'pinning needs Linux'
  const mine = allowedCpus(process.pid)
  if (mine === null || !inCpuList(mine, 0) || !inCpuList(mine, 1)) {
    return `pinning needs CPUs 0 and 1 (this process may use ${mine ?? 'unknown'})`
  }
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
  // What each pinned process had, to give back: [pid, CPU list].
  const before: [number, string][] = []
  const pin = (pid: number, list: string): void => {
    const had = allowedCpus(pid)
    if (had === null || !setAffinity(pid, list)) {
      throw new Error(`taskset could not pin pid ${String(pid)} to CPU ${list}`)
    }
    before.push([pid, had])
  }
  try {
    const pids = groupPids(pgid)
    if (pids.length === 0) throw new Error(`no processes in group ${String(pgid)} to pin`)
    for (const pid of pids) pin(pid, SERVER_CPU)
    pin(process.pid, GENERATOR_CPU)
    return await fn()
  } finally {
    for (const [pid, had] of before) setAffinity(pid, had)
  }
}
