// CPU and memory accounting for the report (perf-baseline.md "Reported values"): utime+stime of
// a child's whole process group from /proc (Linux only, null elsewhere), of the runner itself,
// which hosts autocannon, and of the runner's reaped children (wrk); and the resident memory
// (VmRSS) of a server's processes. 100% = one core busy for the whole run.
import { readdirSync, readFileSync } from 'node:fs'

const USER_HZ = 100 // clock ticks per second of /proc/<pid>/stat on every mainstream Linux

/** The fields of /proc/<pid>/stat after the command name (field 3 first), or null. */
function statFields(pid: string | number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null // exited meanwhile, or no /proc
  }
}

/** Pids of the live processes in process group pgid (with their stat fields), or null. */
function groupMembers(pgid: number): [pid: number, fields: string[]][] | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return null
  }
  const members: [number, string[]][] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const fields = statFields(entry)
    // state ppid pgrp ...: the process group is the third field after the name.
    if (fields !== null && Number(fields[2]) === pgid) members.push([Number(entry), fields])
  }
  return members
}

/** Pids of the live processes in process group pgid; empty without /proc. */
export function groupPids(pgid: number): number[] {
  return (groupMembers(pgid) ?? []).map(([pid]) => pid)
}

/** CPU seconds used so far by every live process in process group pgid, or null without /proc. */
export function groupCpuSeconds(pgid: number): number | null {
  const members = groupMembers(pgid)
  if (members === null) return null
  let ticks = 0
  // utime and stime are the 12th and 13th fields after the name.
  for (const [, f] of members) ticks += Number(f[11]) + Number(f[12])
  return ticks / USER_HZ
}

/**
 * Resident memory in bytes of the server in process group pgid: VmRSS summed over its
 * processes (workers included) except the group leader, which is the bench's guard
 * (bench/guard.ts), not the server. Null without /proc.
 */
export function serverRssBytes(pgid: number): number | null {
  const members = groupMembers(pgid)
  if (members === null) return null
  let kb = 0
  for (const [pid] of members) {
    if (pid === pgid) continue
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m !== null) kb += Number(m[1])
    } catch {
      // exited meanwhile
    }
  }
  return kb * 1024
}

/** CPU seconds used so far by this process (autocannon runs in it). */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** CPU seconds of this process's children that exited and were reaped (wrk), 0 without /proc. */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self')
  // cutime and cstime are the 14th and 15th fields after the name.
  return f === null ? 0 : (Number(f[13]) + Number(f[14])) / USER_HZ
}
