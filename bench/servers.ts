// Starts the bench's servers as child processes on free loopback ports: the baseline, the
// cluster baseline, the origin, the naive proxy and the proxy (the edgeproxy CLI with
// bench/bench-config.yaml, or the command in EDGEPROXY_BENCH_PROXY_CMD) once with one process
// and once with `--workers 2`, and Varnish before the same origin when varnishd is installed,
// each awaited until it answers HTTP (bench/README.md).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

/** Worker count of the `proxy-workers` target. */
export const PROXY_WORKERS = 2

/** The proxy's argv: the edgeproxy CLI, or the documented override with {placeholders}. */
function proxyArgv(port: number, adminPort: number, originPort: number, workers = 1): string[] {
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
      ['workers', String(workers)],
    ])
    if (workers > 1 && !override.includes('{workers}')) {
      throw new Error(
        `${PROXY_CMD_ENV} has no {workers} placeholder, so proxy-workers cannot be started; ` +
          `add '--workers {workers}' to it or leave proxy-workers out with --only`,
      )
    }
    const words = override.trim().split(/\s+/)
    return words.map((w) => w.replace(/\{(\w+)\}/g, (m, k: string) => vars.get(k) ?? m))
  }
  const cli = join(outRoot, 'proxy', 'cli.js')
  if (!existsSync(cli)) {
    throw new Error(`${cli} does not exist (proxy CLI not built?); try --only ${BASELINE}`)
  }
  const flags = ['--port', String(port), '--admin-port', String(adminPort)]
  if (workers > 1) flags.push('--workers', String(workers))
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

/** Varnish's working directories (`-n`), removed by removeServerFiles(). */
const varnishDirs: string[] = []

/** Whether varnishd is on PATH (Debian: apt-get install varnish). */
export function varnishInstalled(): boolean {
  const r = spawnSync('varnishd', ['-V'], { stdio: 'ignore', timeout: 5000 })
  return r.error === undefined && r.status === 0
}

/**
 * varnishd as perf-baseline.md runs it: foreground, no jail, the built-in VCL with the origin
 * as its backend (the origin's max-age makes the object cacheable), 256 MB malloc storage.
 */
export function varnishArgv(workDir: string, port: number, originPort: number): string[] {
  return [
    'varnishd',
    '-F',
    '-j',
    'none',
    '-n',
    workDir,
    '-a',
    `${HOST}:${String(port)}`,
    '-b',
    `${HOST}:${String(originPort)}`,
    '-s',
    'malloc,256m',
  ]
}

/** Removes what the servers left on disk (Varnish's working directories). */
export function removeServerFiles(): void {
  for (const dir of varnishDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

async function startServer(
  name: string,
  argv: string[],
  port: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<Server> {
  const env = { ...process.env, LOG_LEVEL: 'warn', ...extraEnv }
  const quiet = env.LOG_LEVEL !== 'warn'
  const child = procs.spawnChild(name, argv, { cwd: repoRoot, env, quiet })
  const base = `http://${HOST}:${port}`
  await procs.waitForHttp(child, `${base}/`)
  return { child, base }
}

export async function startServers(targets: ReadonlySet<Target>): Promise<Map<Target, Server>> {
  const ports = await procs.freePorts(13)
  const port = (): number => ports.shift() ?? 0
  const [originPort, baselinePort, clusterPort, naivePort] = [port(), port(), port(), port()]
  const [proxyPort, adminPort, workersPort, workersAdminPort] = [port(), port(), port(), port()]
  const [varnishPort, nodePort, nodeAdminPort] = [port(), port(), port()]
  const [logPort, logAdminPort] = [port(), port()]
  // Resolve the proxy commands first, so a missing CLI fails before anything is spawned.
  const proxy = targets.has('proxy') ? proxyArgv(proxyPort, adminPort, originPort) : null
  const proxyWorkers = targets.has('proxy-workers')
    ? proxyArgv(workersPort, workersAdminPort, originPort, PROXY_WORKERS)
    : null
  const proxyLog = targets.has('proxy-log') ? proxyArgv(logPort, logAdminPort, originPort) : null
  const proxyNode = targets.has('proxy-node')
    ? proxyArgv(nodePort, nodeAdminPort, originPort)
    : null
  const fixed = (file: string): string => join(outRoot, 'bench', file)
  const servers = new Map<Target, Server>()
  if (targets.has('baseline')) {
    const argv = [process.execPath, fixed('baseline.js'), '--port', String(baselinePort)]
    servers.set('baseline', await startServer('baseline', argv, baselinePort))
  }
  if (targets.has('cluster-baseline')) {
    const argv = [process.execPath, fixed('cluster-baseline.js'), '--port', String(clusterPort)]
    servers.set('cluster-baseline', await startServer('cluster-baseline', argv, clusterPort))
  }
  const needsOrigin = [
    'proxy',
    'proxy-workers',
    'proxy-node',
    'proxy-log',
    'naive-proxy',
    'varnish',
  ] as const
  if (needsOrigin.some((t) => targets.has(t))) {
    await startServer(
      'origin',
      [process.execPath, fixed('origin.js'), '--port', String(originPort)],
      originPort,
    )
  }
  if (targets.has('naive-proxy')) {
    const originUrl = `http://${HOST}:${originPort}`
    const argv = [process.execPath, fixed('naive-proxy.js'), '--port', String(naivePort)]
    argv.push('--origin', originUrl)
    servers.set('naive-proxy', await startServer('naive-proxy', argv, naivePort))
  }
  if (proxy !== null) {
    process.stderr.write(`proxy: ${proxy.join(' ')}\n`)
    servers.set('proxy', await startServer('proxy', proxy, proxyPort))
  }
  if (proxyWorkers !== null) {
    process.stderr.write(`proxy-workers: ${proxyWorkers.join(' ')}\n`)
    servers.set('proxy-workers', await startServer('proxy-workers', proxyWorkers, workersPort))
  }
  if (proxyNode !== null) {
    process.stderr.write(`proxy-node: EDGEPROXY_FAST_HITS=0 ${proxyNode.join(' ')}\n`)
    const env = { EDGEPROXY_FAST_HITS: '0' }
    servers.set('proxy-node', await startServer('proxy-node', proxyNode, nodePort, env))
  }
  if (proxyLog !== null) {
    process.stderr.write(`proxy-log: LOG_LEVEL=info ${proxyLog.join(' ')} >/dev/null\n`)
    const env = { LOG_LEVEL: 'info' }
    servers.set('proxy-log', await startServer('proxy-log', proxyLog, logPort, env))
  }
  if (targets.has('varnish')) {
    const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-bench-varnish-'))
    varnishDirs.push(dir)
    const argv = varnishArgv(dir, varnishPort, originPort)
    process.stderr.write(`varnish: ${argv.join(' ')}\n`)
    servers.set('varnish', await startServer('varnish', argv, varnishPort))
  }
  return servers
}
