// CPU accounting for the report (perf-baseline.md "Reported values"): utime+stime of a child's
// whole process group from /proc (Linux only, null elsewhere), and of the runner itself, which
// hosts autocannon. 100% = one core busy for the whole run.
import { readdirSync, readFileSync } from 'node:fs'

const USER_HZ = 100 // clock ticks per second of /proc/<pid>/stat on every mainstream Linux

/** CPU seconds used so far by every live process in process group pgid, or null without /proc. */
export function groupCpuSeconds(pgid: number): number | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return null
  }
  let ticks = 0
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // Fields after the parenthesised command name: state ppid pgrp ... utime(12th) stime(13th)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) !== pgid) continue
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks / USER_HZ
}

/** CPU seconds used so far by this process (the load generator). */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
