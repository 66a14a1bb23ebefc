// Start-up (design.md §1): load and compile the config, build the dependencies once, start
// the listeners. Used by the CLI and by tests (which pass port 0 and a quiet logger).
import type { Logger } from 'pino'
import { startAdminServer } from './admin/server.js'
import { Collapser } from './cache/collapse.js'
import { MemoryStore, type CacheStore } from './cache/store.js'
import { compileDistribution } from './config/compile.js'
import { checkFunctionAssociations, loadFunctions } from './config/compile-functions.js'
import { loadConfigFile } from './config/load.js'
import { ConfigError } from './errors.js'
import type { EdgeConfig } from './config/types.js'
import { systemClock, type Deps } from './deps.js'
import { newRequestId } from './ids.js'
import { createLogger } from './log.js'
import { OriginClients } from './origin/client.js'
import { readTls, startEdgeServer, type EdgeServer } from './server.js'

export interface StartOptions {
  readonly configFile: string
  readonly port?: number
  readonly host?: string
  /** `--origin ID=URL` overrides. */
  readonly originOverrides?: ReadonlyMap<string, string>
  readonly logger?: Logger
  /** Overrides Server.AdminPort. */
  readonly adminPort?: number
}

export interface Edgeproxy {
  readonly config: EdgeConfig
  readonly server: EdgeServer
  /** http://host:port of the plain listener. */
  readonly url: string
  readonly httpsUrl: string | undefined
  /** http://127.0.0.1:port of the admin API. */
  readonly adminUrl: string
  readonly cache: CacheStore
  close(graceMs?: number): Promise<void>
}

export async function startEdgeproxy(options: StartOptions): Promise<Edgeproxy> {
  const log = options.logger ?? createLogger()
  const { config, warnings } = loadConfigFile(options.configFile, {
    originOverrides: options.originOverrides ?? new Map(),
  })
  for (const w of warnings) log.warn({ path: w.path, value: w.value }, w.message)
  const loaded = await loadFunctions(config)
  const functionProblems = [
    ...loaded.problems,
    ...checkFunctionAssociations(config, loaded.functions),
  ]
  for (const w of functionProblems) {
    if (w.severity === 'warning') log.warn({ path: w.path, value: w.value }, w.message)
  }
  const functionErrors = functionProblems.filter((p) => p.severity === 'error')
  if (functionErrors.length > 0) throw new ConfigError(functionErrors)
  const dist = compileDistribution(config, loaded.functions)
  const origins = new OriginClients()
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
    newRequestId,
  }
  const host = options.host ?? config.server.host
  const tls = config.server.tls
  const server = await startEdgeServer(dist, deps, {
    port: options.port ?? config.server.port,
    host,
    ...(tls ? { tls: { port: tls.port, ...readTls(tls.certFile, tls.keyFile) } } : {}),
  })
  // The admin API stays on loopback whatever Server.Host is (design.md §3).
  const admin = await startAdminServer({
    port: options.adminPort ?? config.server.adminPort,
    host: '127.0.0.1',
    cache,
    log: log.child({ component: 'admin' }),
  }).catch(async (err: unknown) => {
    await server.close(0)
    await origins.close()
    throw err
  })
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    config,
    server,
    url: `http://${urlHost}:${String(server.http.port)}`,
    httpsUrl: server.https ? `https://${urlHost}:${String(server.https.port)}` : undefined,
    adminUrl: admin.url,
    cache,
    async close(graceMs) {
      await admin.close()
      await server.close(graceMs)
      await origins.close()
      for (const fn of new Set(loaded.functions.values())) fn.dispose()
    },
  }
}
