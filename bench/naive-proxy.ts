// The naive proxy reference (perf-baseline.md "proxy.js" without CACHE): node:http in front of
// an undici Pool, request + pipeline streaming, hop-by-hop headers stripped, no cache. The
// miss target compares proxy-miss with it (bench/README.md).
// Run: node dist/bench/naive-proxy.js --port N --origin http://127.0.0.1:O
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { pipeline } from 'node:stream'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'

const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
])

function strip(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const k in h) {
    const v = h[k]
    if (!HOP.has(k) && v !== undefined) out[k] = v
  }
  return out
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8082' },
    origin: { type: 'string', default: 'http://127.0.0.1:8080' },
  },
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`naive-proxy: --port must be an integer 0-65535 (got ${values.port})`)
}
const origin = new Pool(values.origin, { connections: 64 })

createServer((req, res) => {
  origin
    .request({
      path: req.url ?? '/',
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
      headers: strip(req.headers),
    })
    .then(({ statusCode, headers, body }) => {
      res.writeHead(statusCode, strip(headers))
      pipeline(body, res, () => undefined)
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
}).listen(port, '127.0.0.1')
