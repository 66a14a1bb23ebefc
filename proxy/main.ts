// Start-up (design.md §1): load and compile the config, build the dependencies once, start
// the listeners; reload (design.md §3) swaps in a newly compiled config. Used by the CLI and
// by tests (which pass port 0 and a quiet logger).
import type { Logger } from 'pino'
import type { EdgeLog } from '../functions/edge/types.js'
import { startAdminServer } from './admin/server.js'
import { Collapser } from './cache/collapse.js'
import { MemoryStore, type CacheStore } from './cache/store.js'
import type { ConfigProblem, EdgeConfig } from './config/types.js'
import { ConfigError } from './errors.js'
import { systemClock, type Deps } from './deps.js'
import { newRequestId } from './ids.js'
import { createAccessLog, createLogger } from './log.js'
import { Metrics } from './metrics.js'
import { OriginClients } from './origin/client.js'
import {
  changedKeys,
  loadDistribution,
  closeRunners,
  logProblems,
  watchFile,
  type LoadedDistribution,
} from './reload.js'
import { readTls, startEdgeServer, type EdgeServer } from './server.js'

/** How long a replaced config's functions outlive its last viewer request (background refreshes). */
const RETIRE_GRACE_MS = 120_000

export interface StartOptions {
  readonly configFile: string
  readonly port?: number
  readonly host?: string
  /** `--origin ID=URL` overrides. */
  readonly originOverrides?: ReadonlyMap<string, string>
  readonly logger?: Logger
  /** Overrides Server.AdminPort. */
  readonly adminPort?: number
  /** Reload when the config file changes (SIGHUP reloads in any case, see cli.ts). */
  readonly watch?: boolean
  /** Start the admin listener (default true); --workers runs it in the primary instead. */
  readonly admin?: boolean
}

export interface ReloadResult {
  readonly ok: boolean
  /** Errors when refused (the running configuration stays), else warnings. */
  readonly problems: readonly ConfigProblem[]
}

export interface Edgeproxy {
  readonly config: EdgeConfig
  readonly server: EdgeServer
  /** http://host:port of the plain listener. */
  readonly url: string
  readonly httpsUrl: string | undefined
  /** http://127.0.0.1:port of the admin API ('' when started without it). */
  readonly adminUrl: string
  readonly metrics: Metrics
  readonly cache: CacheStore
  /** Re-reads, validates and compiles the config file, then swaps it in (or keeps the old). */
  reload(): Promise<ReloadResult>
  close(graceMs?: number): Promise<void>
}

export async function startEdgeproxy(options: StartOptions): Promise<Edgeproxy> {
  const log = options.logger ?? createLogger()
  const overrides = options.originOverrides ?? new Map<string, string>()
  // What Lambda@Edge handlers print becomes log records naming the function (CloudWatch's
  // per-function streams), so stdout stays one JSON record per line.
  const lambdaLog: EdgeLog = (fn, stream, line) => {
    if (line !== '') log.info({ lambda: fn, stream }, line)
  }
  let current = await loadDistribution(options.configFile, overrides, lambdaLog)
  logProblems(log, current.warnings)
  const { config } = current.dist
  const origins = new OriginClients({ verifyTls: config.server.verifyOriginTls })
  const collapser = new Collapser()
  const cache = new MemoryStore({
    maxBytes: config.server.cache.maxSizeMB * 1024 * 1024,
    maxObjectBytes: config.server.cache.maxObjectSizeMB * 1024 * 1024,
    nowMs: () => systemClock.nowMs(),
    inFlight: () => collapser.size,
  })
  const deps: Deps = {
    clock: systemClock,
    origins,
    cache,
    collapser,
    log,
    accessLog: createAccessLog(log, config.server.accessLog),
    metrics: new Metrics(cache),
    newRequestId,
  }
  deps.metrics.watchLambdaRunners(() => current.runners)
  const host = options.host ?? config.server.host
  const tls = config.server.tls
  const server = await startEdgeServer(current.dist, deps, {
    port: options.port ?? config.server.port,
    host,
    ...(tls ? { tls: { port: tls.port, ...readTls(tls.certFile, tls.keyFile) } } : {}),
  })

  const retiring = new Set<() => void>()
  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, problems: [] })
  const reloadOnce = async (): Promise<ReloadResult> => {
    let next: LoadedDistribution
    try {
      next = await loadDistribution(options.configFile, overrides, lambdaLog)
    } catch (err) {
      // A reload never takes the running proxy down: anything unexpected is refused too.
      const problems =
        err instanceof ConfigError
          ? err.problems.map((p) => ({ ...p, severity: 'error' as const }))
          : [{ path: '', message: `reload failed: ${String(err)}`, severity: 'error' as const }]
      logProblems(log, problems)
      log.error({ errors: problems.length }, 'reload refused: the running configuration stays')
      return { ok: false, problems }
    }
    logProblems(log, next.warnings)
    const before = current
    current = next
    if (JSON.stringify(next.dist.config.server) !== JSON.stringify(before.dist.config.server)) {
      log.warn('Server settings changed: they take effect at the next start, not on reload')
    }
    // Requests in flight finish on the distribution (and functions) they started with.
    // A stale-while-revalidate refresh started before the swap may still run the old origin
    // functions after its viewer request finished: they are released after a grace period
    // (or at close()).
    server.setDistribution(next.dist, () => {
      const release = () => {
        if (!retiring.delete(release)) return
        for (const fn of before.functions) if (!next.functions.has(fn)) fn.dispose()
        void closeRunners(before.runners)
      }
      retiring.add(release)
      setTimeout(release, RETIRE_GRACE_MS).unref()
    })
    const removed = cache.invalidate(changedKeys(before.dist, next.dist))
    log.info({ removedObjects: removed }, 'configuration reloaded')
    return { ok: true, problems: next.warnings }
  }
  // Reloads run one at a time, in order.
  const reload = (): Promise<ReloadResult> => (reloading = reloading.then(reloadOnce, reloadOnce))
  const watcher =
    options.watch === true ? watchFile(options.configFile, () => void reload()) : undefined

  // The admin API stays on loopback whatever Server.Host is (design.md §3).
  const admin = await (
    options.admin === false
      ? Promise.resolve(undefined)
      : startAdminServer({
          port: options.adminPort ?? config.server.adminPort,
          host: '127.0.0.1',
          cache,
          metrics: deps.metrics,
          log: log.child({ component: 'admin' }),
        })
  ).catch(async (err: unknown) => {
    watcher?.close()
    await server.close(0)
    await origins.close()
    await closeRunners(current.runners)
    throw err
  })
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    get config() {
      return current.dist.config
    },
    server,
    url: `http://${urlHost}:${String(server.http.port)}`,
    httpsUrl: server.https ? `https://${urlHost}:${String(server.https.port)}` : undefined,
    adminUrl: admin?.url ?? '',
    cache,
    metrics: deps.metrics,
    reload,
    async close(graceMs) {
      watcher?.close()
      await admin?.close()
      await server.close(graceMs)
      await origins.close()
      await deps.accessLog.close()
      for (const release of [...retiring]) release()
      for (const fn of current.functions) fn.dispose()
      await closeRunners(current.runners)
    },
  }
}
