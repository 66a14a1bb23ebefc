// The client side of `edgeproxy invalidate` (design.md §3 "Commands"): POST the paths to the
// admin API, poll GET /invalidations/{Id} until Completed, return the Id. Every failure is
// an AdminClientError whose message names the admin URL and what went wrong.
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8081'

export class AdminClientError extends Error {}

export interface InvalidateOptions {
  /** Give up waiting for Completed after this long (default 30 s). */
  readonly timeoutMs?: number
  /** Delay between polls (default 250 ms). */
  readonly pollMs?: number
}

interface Reply {
  readonly status: number
  readonly body: unknown
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Creates the invalidation and waits until the admin API reports it Completed. */
export async function invalidateViaAdmin(
  adminUrl: string,
  paths: readonly string[],
  options: InvalidateOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const pollMs = options.pollMs ?? 250
  const base = adminUrl.replace(/\/+$/, '')
  const deadline = Date.now() + timeoutMs
  const agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    try {
      const res = await request(`${base}${path}`, {
        method,
        dispatcher: agent,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.body.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON: keep the text for the error message
      }
      return { status: res.statusCode, body: parsed }
    } catch (err) {
      throw new AdminClientError(`cannot reach the admin API at ${adminUrl}: ${describe(err)}`)
    }
  }
  try {
    let reply = await send('POST', '/invalidations', { Paths: paths })
    if (reply.status !== 201) throw failure(adminUrl, 'POST /invalidations', reply)
    let inv = invalidationOf(reply.body)
    if (!inv) throw failure(adminUrl, 'POST /invalidations', reply)
    const id = inv.id
    while (inv.status !== 'Completed') {
      if (Date.now() + pollMs > deadline) {
        throw new AdminClientError(
          `invalidation ${id} was still ${inv.status} after ${String(timeoutMs / 1000)} s (${adminUrl})`,
        )
      }
      await sleep(pollMs)
      reply = await send('GET', `/invalidations/${encodeURIComponent(id)}`)
      inv = reply.status === 200 ? invalidationOf(reply.body) : undefined
      if (!inv) throw failure(adminUrl, `GET /invalidations/${id}`, reply)
    }
    return id
  } finally {
    await agent.close()
  }
}

function invalidationOf(body: unknown): { id: string; status: string } | undefined {
  if (!isRecord(body) || !isRecord(body['Invalidation'])) return undefined
  const { Id, Status } = body['Invalidation']
  return typeof Id === 'string' && typeof Status === 'string'
    ? { id: Id, status: Status }
    : undefined
}

function failure(adminUrl: string, what: string, reply: Reply): AdminClientError {
  const error = isRecord(reply.body) && isRecord(reply.body['Error']) ? reply.body['Error'] : {}
  const message =
    typeof error['Message'] === 'string' ? error['Message'] : JSON.stringify(reply.body)
  return new AdminClientError(
    `${what} at ${adminUrl} answered ${String(reply.status)}: ${message.slice(0, 500)}`,
  )
}

function describe(err: unknown): string {
  const code = isRecord(err) && typeof err['code'] === 'string' ? err['code'] : undefined
  if (code === 'ECONNREFUSED') {
    return 'connection refused (is edgeproxy running, and is that its admin port?)'
  }
  if (code === 'ENOTFOUND') return 'host not found'
  const message = err instanceof Error ? err.message : String(err)
  return code === undefined ? message : `${message} (${code})`
}
