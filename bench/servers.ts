// Starts the bench's servers as child processes on free loopback ports: the baseline, the
// origin and the proxy (the edgeproxy CLI with bench/bench-config.yaml, or the command in
// EDGEPROXY_BENCH_PROXY_CMD), each awaited until it answers HTTP (bench/README.md).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as procs from './procs.js'
import { BASELINE, type Target } from './scenarios.js'
import { writeSignedBenchConfig } from './signing.js'

/** The build output root (dist/ or .build-bench/) and the repository root. */
export const outRoot = fileURLToPath(new URL('..', import.meta.url))
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const PROXY_CMD_ENV = 'EDGEPROXY_BENCH_PROXY_CMD'
const HOST = '127.0.0.1'

export interface Server {
  readonly child: procs.Child
  readonly base: string
}

/** The proxy's argv: the edgeproxy CLI, or the documented override with {placeholders}. */
function proxyArgv(port: number, adminPort: number, originPort: number): string[] {
  // A copy carrying this run's throwaway signing key (proxy-hit-signed, bench/signing.ts).
  const config = writeSignedBenchConfig(join(repoRoot, 'bench', 'bench-config.yaml'))
  const originUrl = `http://${HOST}:${originPort}`
  const override = process.env[PROXY_CMD_ENV]
  if (override !== undefined && override.trim() !== '') {
    const vars = new Map([
      ['node', process.execPath],
      ['out', outRoot.replace(/\/$/, '')],
      ['port', String(port)],
      ['adminPort', String(adminPort)],
      ['originUrl', originUrl],
      ['config', config],
    ])
    const words = override.trim().split(/\s+/)
    return words.map((w) => w.replace(/\{(\w+)\}/g, (m, k: string) => vars.get(k) ?? m))
  }
  const cli = join(outRoot, 'proxy', 'cli.js')
  if (!existsSync(cli)) {
    throw new Error(`${cli} does not exist (proxy CLI not built?); try --only ${BASELINE}`)
  }
  const flags = ['--port', String(port), '--admin-port', String(adminPort)]
  return [
    process.execPath,
    cli,
    'start',
    '--config',
    config,
    ...flags,
    '--origin',
    `bench=${originUrl}`,
  ]
}

async function startServer(name: string, argv: string[], port: number): Promise<Server> {
  const env = { ...process.env, LOG_LEVEL: 'warn' }
  const child = procs.spawnChild(name, argv, { cwd: repoRoot, env })
  const base = `http://${HOST}:${port}`
  await procs.waitForHttp(child, `${base}/`)
  return { child, base }
}

export async function startServers(targets: ReadonlySet<Target>): Promise<Map<Target, Server>> {
  const [originPort = 0, baselinePort = 0, proxyPort = 0, adminPort = 0] = await procs.freePorts(4)
  // Resolve the proxy command first, so a missing CLI fails before anything is spawned.
  const proxy = targets.has('proxy') ? proxyArgv(proxyPort, adminPort, originPort) : null
  const fixed = (file: string): string => join(outRoot, 'bench', file)
  const servers = new Map<Target, Server>()
  if (targets.has('baseline')) {
    const argv = [process.execPath, fixed('baseline.js'), '--port', String(baselinePort)]
    servers.set('baseline', await startServer('baseline', argv, baselinePort))
  }
  if (proxy !== null) {
    await startServer(
      'origin',
      [process.execPath, fixed('origin.js'), '--port', String(originPort)],
      originPort,
    )
    process.stderr.write(`proxy: ${proxy.join(' ')}\n`)
    servers.set('proxy', await startServer('proxy', proxy, proxyPort))
  }
  return servers
}
