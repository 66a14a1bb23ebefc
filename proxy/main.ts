// Start-up (design.md §1): load and compile the config, build the dependencies once, start
// the listeners. Used by the CLI and by tests (which pass port 0 and a quiet logger).
import type { Logger } from 'pino'
import { compileDistribution } from './config/compile.js'
import { loadConfigFile } from './config/load.js'
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
}

export interface Edgeproxy {
  readonly config: EdgeConfig
  readonly server: EdgeServer
  /** http://host:port of the plain listener. */
  readonly url: string
  readonly httpsUrl: string | undefined
  close(graceMs?: number): Promise<void>
}

export async function startEdgeproxy(options: StartOptions): Promise<Edgeproxy> {
  const log = options.logger ?? createLogger()
  const { config, warnings } = loadConfigFile(options.configFile, {
    originOverrides: options.originOverrides ?? new Map(),
  })
  for (const w of warnings) log.warn({ path: w.path, value: w.value }, w.message)
  const dist = compileDistribution(config)
  const origins = new OriginClients()
  const deps: Deps = { clock: systemClock, origins, log, newRequestId }
  const host = options.host ?? config.server.host
  const tls = config.server.tls
  const server = await startEdgeServer(dist, deps, {
    port: options.port ?? config.server.port,
    host,
    ...(tls ? { tls: { port: tls.port, ...readTls(tls.certFile, tls.keyFile) } } : {}),
  })
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    config,
    server,
    url: `http://${urlHost}:${String(server.http.port)}`,
    httpsUrl: server.https ? `https://${urlHost}:${String(server.https.port)}` : undefined,
    async close(graceMs) {
      await server.close(graceMs)
      await origins.close()
    },
  }
}
