// HTTP plumbing for the admin API (design.md §3 "Admin API"): JSON responses, AWS-style
// error bodies `{"Error": {"Code", "Message", "Field"?}}`, and a bounded JSON body reader
// (413 over the limit, 415 for a declared non-JSON type, 400 for unparsable JSON).
import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_BODY_BYTES = 1024 * 1024

export interface AdminError {
  readonly status: number
  readonly code: string
  readonly message: string
  /** The request field or path at fault, e.g. `InvalidationBatch.Paths.Items[2]`. */
  readonly field?: string
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = `${JSON.stringify(body, null, 2)}\n`
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendError(
  res: ServerResponse,
  err: AdminError,
  headers: Readonly<Record<string, string>> = {},
): void {
  const { code, message, field } = err
  sendJson(
    res,
    err.status,
    { Error: { Code: code, Message: message, ...(field === undefined ? {} : { Field: field }) } },
    headers,
  )
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: AdminError }

/** A missing Content-Type is read as JSON; a declared one must be JSON (`…/json`, `…+json`). */
function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase()
  return type === 'application/json' || type.endsWith('+json')
}

const TOO_LARGE: AdminError = {
  status: 413,
  code: 'PayloadTooLarge',
  message: `request body must be at most ${MAX_BODY_BYTES} bytes`,
}

/** Reads and parses the request body; never rejects. */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const contentType = req.headers['content-type']
  if (!isJsonType(contentType)) {
    req.resume()
    return Promise.resolve({
      ok: false,
      error: {
        status: 415,
        code: 'UnsupportedMediaType',
        message: `request body must be application/json (got ${JSON.stringify(contentType)})`,
      },
    })
  }
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > limit) {
    req.resume()
    return Promise.resolve({ ok: false, error: TOO_LARGE })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        resolve({ ok: false, error: TOO_LARGE })
        return
      }
      chunks.push(chunk)
    })
    req.on('error', () => {
      if (!done) {
        done = true
        resolve({ ok: false, error: { status: 400, code: 'BadRequest', message: 'aborted' } })
      }
    })
    req.on('end', () => {
      if (done) return
      done = true
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') {
        resolve({
          ok: false,
          error: { status: 400, code: 'MissingBody', message: 'request body is empty' },
        })
        return
      }
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown })
      } catch (err) {
        resolve({
          ok: false,
          error: {
            status: 400,
            code: 'MalformedInput',
            message: `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
          },
        })
      }
    })
  })
}
