// Runs the built `edgeproxy` CLI as a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../proxy/cli.js', import.meta.url))
/** The repository root (tests run from dist/test/…). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface RunningCli {
  readonly child: ChildProcess
  readonly url: string
  readonly exited: Promise<number | null>
  /** Everything written to stdout so far. */
  readonly stdout: () => string
}

/** Starts `edgeproxy start …` and resolves once it reports its URL. */
export function startCli(
  args: readonly string[],
  timeoutMs = 15_000,
  logLevel = 'warn',
): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'start', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: logLevel },
    })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (c: string) => (stdout += c))
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`edgeproxy did not start in ${String(timeoutMs)} ms: ${stderr}`))
    }, timeoutMs)
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1]!, exited, stdout: () => stdout })
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`edgeproxy exited with ${String(code)}: ${stderr}`))
    })
  })
}
