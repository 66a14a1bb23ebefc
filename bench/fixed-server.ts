// The fixed benchmark server: node:http, every GET/HEAD answers 200 with the same 1024-byte
// body and cacheable headers (perf-baseline.md "origin.js", plus an ETag). Used both as the
// proxy's origin (bench/origin.ts) and as the bare reference row (bench/baseline.ts).
import { createServer, type Server } from 'node:http'
import { parseArgs } from 'node:util'

const body = Buffer.alloc(1024, 'x')
const headers = {
  'content-type': 'application/octet-stream',
  'content-length': '1024',
  'cache-control': 'public, max-age=3600',
  etag: '"edgeproxy-bench-1k"',
}

/** Starts the fixed server on 127.0.0.1:port and resolves once it listens. */
export function startFixedServer(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' })
      res.end()
      return
    }
    res.writeHead(200, headers)
    res.end(req.method === 'GET' ? body : undefined)
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
