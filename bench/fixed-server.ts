// The fixed benchmark server: node:http, every GET/HEAD answers 200 with the same 1024-byte
// body and cacheable headers (perf-baseline.md "origin.js", plus an ETag). Used both as the
// proxy's origin (bench/origin.ts) and as the bare reference row (bench/baseline.ts). Two file
// names get other fixed objects: `*.html` a compressible 4 KB text/html page and `*1mb.bin`
// a 1 MiB binary body (bench/README.md, "Processes").
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http'
import { parseArgs } from 'node:util'

interface FixedObject {
  readonly headers: OutgoingHttpHeaders
  readonly body: Buffer
}

function fixedObject(type: string, tag: string, body: Buffer): FixedObject {
  const headers = {
    'content-type': type,
    'content-length': String(body.length),
    'cache-control': 'public, max-age=3600',
    etag: `"edgeproxy-bench-${tag}"`,
  }
  return { headers, body }
}

/** A 4096-byte HTML list: compresses like a real page (repetitive markup, varying numbers). */
function htmlPage(size: number): Buffer {
  let html = '<!doctype html>\n<html><head><title>bench</title></head><body><ul>\n'
  for (let i = 1; html.length < size; i++) html += `<li><a href="/items/${i}">Item ${i}</a></li>\n`
  return Buffer.from(html.slice(0, size), 'latin1')
}

const octet = 'application/octet-stream'
const small = fixedObject(octet, '1k', Buffer.alloc(1024, 'x'))
const html = fixedObject('text/html; charset=utf-8', 'html-4k', htmlPage(4096))
const big = fixedObject(octet, '1m', Buffer.alloc(1024 * 1024, 'x'))

/** The object a request path names, by its file name (query ignored). */
function objectFor(url: string): FixedObject {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (path.endsWith('.html')) return html
  if (path.endsWith('1mb.bin')) return big
  return small
}

/** Starts the fixed server on 127.0.0.1:port and resolves once it listens. */
export function startFixedServer(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' })
      res.end()
      return
    }
    const object = objectFor(req.url ?? '/')
    res.writeHead(200, object.headers)
    res.end(req.method === 'GET' ? object.body : undefined)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve(server)
    })
  })
}

/** Entry point of origin.js/baseline.js: `--port N` (default 8000). */
export async function serveFromArgv(role: string): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8000' } },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${role}: --port must be an integer 0-65535 (got ${values.port})`)
  }
  await startFixedServer(port)
}
