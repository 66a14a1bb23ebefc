// The LocalDirectory origin (design.md §3 "LocalDirectory"): a folder answered with S3 REST
// GetObject/HeadObject semantics — the path is the key, errors are S3's XML, ETags are MD5s,
// conditional and single-range requests follow RFC 9110. Two pure functions decide (resolveKey,
// evaluateConditions); fetchFromDirectory does the file I/O around them.
import { createHash, randomBytes } from 'node:crypto'
import { constants, ReadStream, type Stats } from 'node:fs'
import { open, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { LocalDirectoryOriginConfig } from '../config/types.js'
import type { HeaderRecord, OriginRequest, OriginResponse } from '../http-types.js'
import { evaluateConditions, header } from '../cloudfront/conditional.js'
import { contentTypeFor } from './mime.js'

/** S3 error codes this origin answers with: HTTP status and S3's message. */
const S3_ERRORS = {
  InvalidURI: [400, "Couldn't parse the specified URI."],
  AccessDenied: [403, 'Access Denied'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
} as const satisfies Record<string, readonly [number, string]>
export type S3ErrorCode = keyof typeof S3_ERRORS

export type KeyResult =
  | { readonly ok: true; readonly key: string; readonly segments: readonly string[] }
  | { readonly ok: false; readonly code: S3ErrorCode; readonly key?: string }

/**
 * The object key for a request path: query string dropped, percent-decoded, leading '/' removed.
 * Bad escapes → InvalidURI; encoded '/' or '\', NUL and '.'/'..' segments → AccessDenied; the
 * bucket root → AccessDenied (no listing); keys a folder cannot hold as a file ('docs/', 'a//b')
 * → NoSuchKey.
 */
export function resolveKey(requestPath: string): KeyResult {
  const q = requestPath.indexOf('?')
  const raw = q === -1 ? requestPath : requestPath.slice(0, q)
  if (!raw.startsWith('/')) return { ok: false, code: 'InvalidURI' }
  if (/%(?:2f|5c)/i.test(raw)) return { ok: false, code: 'AccessDenied' }
  let key: string
  try {
    key = decodeURIComponent(raw.slice(1))
  } catch {
    return { ok: false, code: 'InvalidURI' }
  }
  const segments = key.split('/')
  if (key.includes('\0') || segments.some((s) => s === '.' || s === '..')) {
    return { ok: false, code: 'AccessDenied' }
  }
  if (key === '') return { ok: false, code: 'AccessDenied' }
  if (segments.includes('')) return { ok: false, code: 'NoSuchKey', key }
  return { ok: true, key, segments }
}

/**
 * Answers one request from `origin.directory` as S3 would; never throws. Success responses carry
 * Content-Type (mime.ts), Content-Length, ETag, Last-Modified and Accept-Ranges, and no Server
 * header (the proxy adds its own); errors add `x-amz-request-id`, matching the XML's RequestId.
 */
export async function fetchFromDirectory(
  origin: LocalDirectoryOriginConfig,
  req: OriginRequest,
): Promise<OriginResponse> {
  if (req.body !== null) drain(req.body)
  const head = req.method === 'HEAD'
  if (req.method !== 'GET' && !head) {
    const fields = { Method: req.method, ResourceType: 'OBJECT' }
    return s3Error('MethodNotAllowed', false, fields, { allow: 'GET, HEAD' })
  }
  const resolved = resolveKey(req.path)
  if (!resolved.ok) {
    return s3Error(resolved.code, head, resolved.key === undefined ? {} : { Key: resolved.key })
  }
  const root = await rootOf(origin.directory)
  if (root === undefined) {
    return s3Error('NoSuchBucket', head, { BucketName: path.basename(origin.directory) })
  }
  const key = resolved.key
  const notFound = (): OriginResponse => s3Error('NoSuchKey', head, { Key: key })
  let handle: FileHandle | undefined
  let res: OriginResponse | undefined
  try {
    const real = await realpath(path.join(root, ...resolved.segments))
    if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
      return s3Error('AccessDenied', head)
    }
    // O_NONBLOCK: opening a FIFO must not hang; it is then refused as a non-file.
    handle = await open(real, constants.O_RDONLY | O_NONBLOCK)
    const stats = await handle.stat()
    res = stats.isFile() ? await respond(handle, stats, real, req, key) : notFound()
    return res
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? ''
    if (MISSING.has(code)) return notFound()
    return s3Error(code === 'EACCES' || code === 'EPERM' ? 'AccessDenied' : 'InternalError', head)
  } finally {
    // The handle now belongs to the body stream when there is one (it closes on end or destroy).
    if (handle !== undefined && !(res?.body instanceof ReadStream)) {
      await handle.close().catch(ignore)
    }
  }
}

/** File-system errors that mean "no such object" (a vanished file, a file used as a folder, …). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP'])

/** 0 where the platform has no O_NONBLOCK (Windows), whose open() does not block on pipes. */
const O_NONBLOCK = (constants.O_NONBLOCK as number | undefined) ?? 0

async function respond(
  handle: FileHandle,
  stats: Stats,
  real: string,
  req: OriginRequest,
  key: string,
): Promise<OriginResponse> {
  const head = req.method === 'HEAD'
  const etag = await etagFor(real, handle, stats)
  const meta = { etag, lastModified: Math.floor(stats.mtimeMs / 1000) * 1000, size: stats.size }
  const validators = { etag, 'last-modified': new Date(meta.lastModified).toUTCString() }
  const decision = evaluateConditions(meta, req.headers)
  if (decision.kind === 'not-modified') return { status: 304, headers: validators, body: null }
  if (decision.kind === 'precondition-failed') {
    return s3Error('PreconditionFailed', head, { Condition: decision.condition })
  }
  if (decision.kind === 'unsatisfiable') {
    const fields = {
      RangeRequested: header(req.headers, 'range') ?? '',
      ActualObjectSize: String(meta.size),
    }
    return s3Error('InvalidRange', head, fields, { 'content-range': `bytes */${meta.size}` })
  }
  const partial = decision.kind === 'partial'
  const [start, end] = partial ? [decision.start, decision.end] : [0, meta.size - 1]
  const headers: HeaderRecord = {
    'content-type': contentTypeFor(key),
    'content-length': String(end - start + 1),
    ...validators,
    'accept-ranges': 'bytes',
  }
  if (partial) headers['content-range'] = `bytes ${start}-${end}/${meta.size}`
  const status = partial ? 206 : 200
  if (head) return { status, headers, body: null }
  if (end < start) return { status, headers, body: Readable.from([], { objectMode: false }) }
  return { status, headers, body: handle.createReadStream({ start, end }) }
}

/** The folder's real path, memoized once found (a missing folder is looked up again). */
const roots = new Map<string, string>()
async function rootOf(directory: string): Promise<string | undefined> {
  const known = roots.get(directory)
  if (known !== undefined) return known
  try {
    const real = await realpath(directory)
    roots.set(directory, real)
    return real
  } catch {
    return undefined
  }
}

/** MD5 ETags, one per (real path, size, mtime, inode), in a bounded insertion-order LRU. */
const ETAG_CACHE_MAX = 4096
const etags = new Map<string, { readonly version: string; readonly etag: Promise<string> }>()

function etagFor(real: string, handle: FileHandle, stats: Stats): Promise<string> {
  const version = `${stats.size}:${stats.mtimeMs}:${stats.ino}`
  const hit = etags.get(real)
  etags.delete(real)
  if (hit?.version === version) {
    etags.set(real, hit)
    return hit.etag
  }
  const entry = { version, etag: md5Hex(handle, stats.size).then((hex) => `"${hex}"`) }
  etags.set(real, entry)
  if (etags.size > ETAG_CACHE_MAX) etags.delete(etags.keys().next().value!)
  entry.etag.catch(() => {
    if (etags.get(real) === entry) etags.delete(real)
  })
  return entry.etag
}

/** Streams the first `size` bytes through MD5 with positional reads (the file is never whole in memory). */
async function md5Hex(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('md5')
  const buf = Buffer.allocUnsafe(Math.min(size, 256 * 1024) || 1)
  for (let pos = 0; pos < size;) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - pos), pos)
    if (bytesRead === 0) break
    hash.update(buf.subarray(0, bytesRead))
    pos += bytesRead
  }
  return hash.digest('hex')
}

function s3Error(
  code: S3ErrorCode,
  head: boolean,
  fields: Readonly<Record<string, string>> = {},
  extraHeaders: Readonly<Record<string, string>> = {},
): OriginResponse {
  const [status, message] = S3_ERRORS[code]
  const requestId = randomBytes(8).toString('hex').toUpperCase()
  const extra = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('')
  const xml = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`,
  )
  return {
    status,
    headers: {
      'content-type': 'application/xml',
      'content-length': String(xml.length),
      'x-amz-request-id': requestId,
      ...extraHeaders,
    },
    body: head ? null : Readable.from([xml], { objectMode: false }),
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c)
}

/** Discards a request body S3 would not read, without letting its errors go unhandled. */
function drain(body: Readable): void {
  body.on('error', ignore)
  body.resume()
}

function ignore(): void {
  // deliberately empty
}
