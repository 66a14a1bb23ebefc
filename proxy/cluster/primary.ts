// The `--workers N` primary (design.md §3 "Workers"): forks N workers that share the listeners
// (node:cluster), each with its own memory cache, like the servers of one POP. It serves the
// admin API for the whole node: an invalidation is reported Completed only after every worker
// applied it, /cache/stats and /metrics are summed over the workers. It re-forks a worker that
// dies, forwards SIGHUP (and changes of the config file) as a reload, and drains on SIGTERM.
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry } from 'prom-client'
import type { Logger } from 'pino'
import { startAdminServer, type AdminServer } from '../admin/server.js'
import type { AdminCache, CacheStats } from '../cache/admin-types.js'
import { closeRunners, loadDistribution, watchFile } from '../reload.js'
import { isAnswer, isReady, type Answer, type Ask, type Ready } from './protocol.js'

export interface PrimaryOptions {
  readonly configFile: string
  readonly originOverrides: ReadonlyMap<string, string>
  readonly workers: number
  readonly adminPort: number | undefined
  readonly log: Logger
}

export interface Primary {
  readonly url: string
  readonly httpsUrl: string | undefined
  readonly adminUrl: string
  reload(): Promise<boolean>
  close(): Promise<void>
}

/** How long a worker may take to answer the primary. */
const ASK_TIMEOUT_MS = 10_000

export async function startPrimary(options: PrimaryOptions): Promise<Primary> {
  const { log } = options
  // Fail fast, with every problem, before forking anything.
  const loaded = await loadDistribution(options.configFile, options.originOverrides)
  for (const fn of loaded.functions) fn.dispose()
  await closeRunners(loaded.runners)
  const config = loaded.dist.config
  const asks = new Asker()
  let stopping = false
  const fork = (): Promise<Ready> => {
    const worker = cluster.fork()
    // An IPC send to a worker that is going away must not take the primary down.
    worker.on('error', (err) => log.warn({ err, worker: worker.id }, 'worker channel error'))
    worker.on('disconnect', () => asks.forget(worker))
    worker.on('exit', (code, signal) => {
      asks.forget(worker)
      if (stopping) return
      log.error({ worker: worker.id, code, signal }, 'worker died; starting another')
      setTimeout(() => {
        if (!stopping) void fork().catch((err: unknown) => log.error({ err }, 'fork failed'))
      }, 200)
    })
    return new Promise((resolve, reject) => {
      worker.on('message', (m: unknown) => {
        if (!isReady(m)) return
        // Asked only once it answers: a worker still starting would stall every admin call.
        asks.watch(worker)
        resolve(m)
      })
      worker.once('exit', () => reject(new Error(`worker ${String(worker.id)} exited at start-up`)))
    })
  }
  const stopAll = () => {
    stopping = true
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM')
  }
  const readies = await Promise.all(Array.from({ length: options.workers }, fork)).catch(
    (err: unknown) => {
      stopAll()
      throw err
    },
  )
  const first = readies[0]!
  const cache: AdminCache = {
    async invalidate(_matcher, paths) {
      const removed = await asks.all<number>({ op: 'invalidate', paths })
      return removed.reduce((a, b) => a + b, 0)
    },
    async stats() {
      return sumStats(await asks.all<CacheStats>({ op: 'stats' }))
    },
  }
  const metrics = {
    async text() {
      // One JSON array per worker registry; prom-client sums (or averages) by metric.
      const all = await asks.all<object>({ op: 'metrics' })
      return AggregatorRegistry.aggregate(all).metrics()
    },
  }
  let admin: AdminServer
  try {
    admin = await startAdminServer({
      port: options.adminPort ?? config.server.adminPort,
      host: '127.0.0.1',
      cache,
      metrics,
      log: log.child({ component: 'admin' }),
    })
  } catch (err) {
    stopAll()
    throw err
  }
  /** Every worker reloads (each refuses a bad file and keeps serving); never rejects. */
  const reload = async (): Promise<boolean> => {
    try {
      const ok = await asks.all<boolean>({ op: 'reload' })
      return ok.every(Boolean)
    } catch (err) {
      log.error({ err }, 'reload did not reach every worker')
      return false
    }
  }
  const watcher = watchFile(options.configFile, () => void reload())
  return {
    url: first.url,
    httpsUrl: first.httpsUrl,
    adminUrl: admin.url,
    reload,
    async close() {
      stopping = true
      watcher.close()
      await admin.close()
      const exits = Object.values(cluster.workers ?? {}).map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w === undefined || w.isDead()) {
              resolve()
              return
            }
            w.once('exit', () => resolve())
            w.process.kill('SIGTERM')
          }),
      )
      await Promise.all(exits)
    },
  }
}

function sumStats(all: readonly CacheStats[]): CacheStats {
  const sum = (k: keyof CacheStats) => all.reduce((a, s) => a + s[k], 0)
  return {
    objects: sum('objects'),
    bytes: sum('bytes'),
    maxBytes: sum('maxBytes'),
    hits: sum('hits'),
    misses: sum('misses'),
    refreshHits: sum('refreshHits'),
    evictions: sum('evictions'),
    inFlight: sum('inFlight'),
  }
}

type AskBody =
  { op: 'invalidate'; paths: readonly string[] } | { op: 'stats' | 'metrics' | 'reload' }

/** Asks every live worker and collects one answer from each (or fails at the timeout). */
class Asker {
  #next = 0
  readonly #workers = new Set<Worker>()
  readonly #pending = new Map<number, { answers: Map<Worker, Answer>; check: () => void }>()

  watch(worker: Worker): void {
    this.#workers.add(worker)
    worker.on('message', (m: unknown) => {
      if (!isAnswer(m)) return
      const p = this.#pending.get(m.id)
      if (p === undefined) return
      p.answers.set(worker, m)
      p.check()
    })
  }

  forget(worker: Worker): void {
    this.#workers.delete(worker)
    for (const p of this.#pending.values()) p.check()
  }

  all<T>(body: AskBody): Promise<T[]> {
    const id = this.#next++
    const ask = { edgeproxy: 'ask', id, ...body } as Ask
    const asked = [...this.#workers].filter((w) => w.isConnected())
    return new Promise<T[]>((resolve, reject) => {
      const answers = new Map<Worker, Answer>()
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(
          new Error(
            `${body.op}: ${String(asked.length - answers.size)} worker(s) did not answer in ${String(ASK_TIMEOUT_MS)} ms`,
          ),
        )
      }, ASK_TIMEOUT_MS)
      const check = () => {
        // A worker that died meanwhile took its cache with it: nothing left to wait for.
        const waiting = asked.filter((w) => this.#workers.has(w) && !answers.has(w))
        if (waiting.length > 0) return
        clearTimeout(timer)
        this.#pending.delete(id)
        const failed = [...answers.values()].find((a) => a.error !== undefined)
        if (failed !== undefined) reject(new Error(`${body.op}: ${failed.error ?? ''}`))
        else resolve([...answers.values()].map((a) => a.value as T))
      }
      this.#pending.set(id, { answers, check })
      for (const w of asked) if (w.isConnected()) w.send(ask)
      check()
    })
  }
}
