#!/usr/bin/env node
// The `edgeproxy` command (design.md §3 "Commands"): start, validate, invalidate,
// test-function and sign. Usage errors exit 2 with a message naming the flag.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AdminClientError, DEFAULT_ADMIN_URL, invalidateViaAdmin } from './admin/client.js'
import { checkInvalidationPath } from './cloudfront/invalidation.js'
import { SignError, signCookies, signUrl, type SignOptions } from './cloudfront/sign.js'
import { functionProblems } from './config/compile-functions.js'
import { checkConfigFile, formatProblem } from './config/load.js'
import { TestFunctionUsageError, testFunction } from '../functions/viewer/test-function.js'
import { FunctionCompileError, type FunctionRuntime } from '../functions/viewer/types.js'
import { ConfigError } from './errors.js'
import { createLogger } from './log.js'
import { startEdgeproxy } from './main.js'
import { startPrimary } from './cluster/primary.js'
import { serveWorker } from './cluster/worker.js'
import cluster from 'node:cluster'
import type { Logger } from 'pino'

const DEFAULT_CONFIG = fileURLToPath(new URL('../../config/distribution.yaml', import.meta.url))

const USAGE = `usage:
  edgeproxy start [--config FILE] [--port N] [--host H] [--admin-port N] [--workers N] [--origin ID=URL …]
  edgeproxy validate --config FILE
  edgeproxy invalidate [--admin URL] PATH …   (default admin URL ${DEFAULT_ADMIN_URL})
  edgeproxy test-function FILE --event EVENT.json [--kvs NAME=FILE] [--runtime cloudfront-js-1.0|cloudfront-js-2.0]
  edgeproxy sign --url URL --key-pair-id ID --private-key FILE (--expires EPOCH | --policy FILE) [--cookies] [--hash-algorithm SHA1|SHA256]`

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start':
      return start(rest)
    case 'validate':
      return validate(rest)
    case 'invalidate':
      return invalidate(rest)
    case 'test-function':
      return testFunctionCommand(rest)
    case 'sign':
      return signCommand(rest)
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
}

async function validate(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { config: { type: 'string' } } })
  if (values.config === undefined) throw new UsageError('validate needs --config FILE')
  const file = resolve(values.config)
  const problems = checkConfigFile(file)
  // The config is sound: compile its CloudFront Functions too (syntax, size, associations).
  if (!problems.some((p) => p.severity === 'error'))
    problems.push(...(await functionProblems(file)))
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`)
  if (problems.some((p) => p.severity === 'error')) return 2
  process.stdout.write('valid\n')
  return 0
}

async function start(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'admin-port': { type: 'string' },
      workers: { type: 'string' },
      origin: { type: 'string', multiple: true },
    },
  })
  const overrides = new Map<string, string>()
  for (const o of values.origin ?? []) {
    const eq = o.indexOf('=')
    if (eq <= 0) throw new UsageError(`--origin takes ID=URL (got ${JSON.stringify(o)})`)
    overrides.set(o.slice(0, eq), o.slice(eq + 1))
  }
  const log = createLogger()
  const workers = values.workers === undefined ? 1 : workersFlag(values.workers)
  const configFile = resolve(values.config ?? DEFAULT_CONFIG)
  const adminPort =
    values['admin-port'] !== undefined ? portFlag('--admin-port', values['admin-port']) : undefined
  if (workers > 1 && cluster.isPrimary) {
    const primary = await startPrimary({
      configFile,
      originOverrides: overrides,
      workers,
      adminPort,
      log,
    })
    announce(primary)
    return untilSignal(
      log,
      () => primary.close(),
      () => void primary.reload(),
    )
  }
  const worker = cluster.isWorker
  const proxy = await startEdgeproxy({
    configFile,
    ...(values.port !== undefined ? { port: portFlag('--port', values.port) } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(adminPort !== undefined ? { adminPort } : {}),
    originOverrides: overrides,
    logger: log,
    // A worker's primary serves the admin API and watches the file.
    watch: !worker,
    admin: !worker,
  })
  if (worker) {
    serveWorker(proxy, log)
    // The IPC channel keeps a worker alive: it is let go once the worker has drained.
    return untilSignal(
      log,
      () => proxy.close().then(() => process.disconnect()),
      () => void proxy.reload(),
    )
  }
  log.info({ url: proxy.url, httpsUrl: proxy.httpsUrl, adminUrl: proxy.adminUrl }, 'listening')
  announce(proxy)
  return untilSignal(
    log,
    () => proxy.close(),
    () => void proxy.reload(),
  )
}

function announce(p: { url: string; httpsUrl: string | undefined; adminUrl: string }): void {
  process.stderr.write(`edgeproxy listening on ${p.url}${p.httpsUrl ? ` and ${p.httpsUrl}` : ''}\n`)
  if (p.adminUrl) process.stderr.write(`edgeproxy admin API on ${p.adminUrl}\n`)
}

/** Resolves with exit code 0 once SIGINT/SIGTERM drained; SIGHUP reloads the config. */
function untilSignal(log: Logger, close: () => Promise<void>, reload: () => void): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      log.info({ signal }, 'draining')
      void close().then(() => {
        log.info('stopped')
        resolveExit(0)
      })
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    // SIGHUP re-reads the config (a change of the file does too); a bad one is refused.
    process.on('SIGHUP', () => {
      log.info({ signal: 'SIGHUP' }, 'reloading')
      reload()
    })
  })
}

function workersFlag(raw: string): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < 1 || n > 64) {
    throw new UsageError(`--workers takes a whole number from 1 to 64 (got ${JSON.stringify(raw)})`)
  }
  return n
}

async function invalidate(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { admin: { type: 'string' } },
    allowPositionals: true,
  })
  if (positionals.length === 0) throw new UsageError('invalidate needs at least one PATH')
  for (const path of positionals) {
    const problem = checkInvalidationPath(path)
    if (problem !== undefined) throw new UsageError(`${JSON.stringify(path)}: ${problem}`)
  }
  const admin = values.admin ?? DEFAULT_ADMIN_URL
  if (!/^https?:\/\/[^/]/.test(admin) || !URL.canParse(admin)) {
    throw new UsageError(`--admin takes an http:// URL (got ${JSON.stringify(admin)})`)
  }
  try {
    process.stdout.write(`${await invalidateViaAdmin(admin, positionals)}\n`)
    return 0
  } catch (err) {
    if (!(err instanceof AdminClientError)) throw err
    process.stderr.write(`edgeproxy: ${err.message}\n`)
    return 1
  }
}

async function testFunctionCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      event: { type: 'string' },
      kvs: { type: 'string', multiple: true },
      runtime: { type: 'string' },
      stage: { type: 'string' },
    },
    allowPositionals: true,
  })
  if (positionals.length !== 1) throw new UsageError('test-function needs one function FILE')
  if (values.event === undefined) throw new UsageError('test-function needs --event EVENT.json')
  const runtime = values.runtime ?? 'cloudfront-js-2.0'
  if (runtime !== 'cloudfront-js-1.0' && runtime !== 'cloudfront-js-2.0') {
    throw new UsageError(
      `--runtime takes cloudfront-js-1.0 or cloudfront-js-2.0 (got ${JSON.stringify(runtime)})`,
    )
  }
  const stage = values.stage ?? 'DEVELOPMENT'
  if (stage !== 'DEVELOPMENT' && stage !== 'LIVE') {
    throw new UsageError(`--stage takes DEVELOPMENT or LIVE (got ${JSON.stringify(stage)})`)
  }
  const kvs = (values.kvs ?? []).map((k) => {
    const eq = k.indexOf('=')
    if (eq <= 0 || eq === k.length - 1) {
      throw new UsageError(`--kvs takes NAME=FILE (got ${JSON.stringify(k)})`)
    }
    return { name: k.slice(0, eq), file: resolve(k.slice(eq + 1)) }
  })
  try {
    const result = await testFunction({
      file: resolve(positionals[0]!),
      eventFile: resolve(values.event),
      kvs,
      runtime: runtime satisfies FunctionRuntime,
      stage,
    })
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return 0
  } catch (err) {
    if (err instanceof TestFunctionUsageError) throw new UsageError(err.message)
    if (!(err instanceof FunctionCompileError)) throw err
    process.stderr.write(`edgeproxy: ${err.message}\n`)
    return 2
  }
}

/** Prints a signed URL, or with --cookies one Set-Cookie line per cookie (spec §6.2, §6.3). */
function signCommand(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: {
      url: { type: 'string' },
      'key-pair-id': { type: 'string' },
      'private-key': { type: 'string' },
      expires: { type: 'string' },
      policy: { type: 'string' },
      cookies: { type: 'boolean', default: false },
      'hash-algorithm': { type: 'string' },
    },
  })
  const url = values.url
  if (url === undefined) throw new UsageError('sign needs --url URL')
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    throw new UsageError(`--url takes an http:// or https:// URL (got ${JSON.stringify(url)})`)
  }
  const keyPairId = values['key-pair-id']
  if (keyPairId === undefined || keyPairId === '')
    throw new UsageError('sign needs --key-pair-id ID')
  if (values['private-key'] === undefined) throw new UsageError('sign needs --private-key FILE')
  if ((values.expires === undefined) === (values.policy === undefined)) {
    throw new UsageError('sign needs exactly one of --expires EPOCH or --policy FILE')
  }
  const alg = values['hash-algorithm'] ?? 'SHA1'
  if (alg !== 'SHA1' && alg !== 'SHA256') {
    throw new UsageError(`--hash-algorithm takes SHA1 or SHA256 (got ${JSON.stringify(alg)})`)
  }
  let expiry: { expires: number } | { policy: string }
  if (values.expires !== undefined) {
    if (!/^\d{1,12}$/.test(values.expires) || Number(values.expires) === 0) {
      throw new UsageError(`--expires takes epoch seconds (got ${JSON.stringify(values.expires)})`)
    }
    expiry = { expires: Number(values.expires) }
  } else {
    expiry = { policy: readFlagFile('--policy', values.policy ?? '') }
  }
  const options: SignOptions = {
    url,
    keyPairId,
    privateKey: readFlagFile('--private-key', values['private-key']),
    hashAlgorithm: alg,
    ...expiry,
  }
  try {
    if (!values.cookies) {
      process.stdout.write(`${signUrl(options)}\n`)
      return 0
    }
    for (const [name, value] of Object.entries(signCookies(options))) {
      process.stdout.write(`Set-Cookie: ${name}=${value}; Path=/; Secure; HttpOnly\n`)
    }
    return 0
  } catch (err) {
    if (err instanceof SignError) throw new UsageError(err.message)
    throw err
  }
}

function readFlagFile(flag: string, file: string): string {
  try {
    return readFileSync(resolve(file), 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(file)} (${code})`)
  }
}

function portFlag(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${flag} takes a port number 0–65535 (got ${JSON.stringify(value)})`)
  }
  return n
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      for (const p of err.problems)
        process.stderr.write(`${formatProblem({ ...p, severity: 'error' })}\n`)
      process.exitCode = 2
    } else if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`edgeproxy: ${err.message}\n${USAGE}\n`)
      process.exitCode = 2
    } else {
      process.stderr.write(
        `edgeproxy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      )
      process.exitCode = 1
    }
  },
)
