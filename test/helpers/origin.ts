// A real loopback origin for tests: node:http on port 0, records every request (method, url,
// headers, body) and answers with the handler the test gives it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly rawHeaders: readonly string[]
  readonly body: Buffer
}

export interface TestOrigin {
  readonly url: string
  readonly port: number
  readonly requests: RecordedRequest[]
  close(): Promise<void>
}

export type OriginHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown

/** Default handler: 200 text naming the path. */
const echoPath: OriginHandler = (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end(`origin saw ${req.url ?? ''}`)
}

export async function startOrigin(handler: OriginHandler = echoPath): Promise<TestOrigin> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      })
      void Promise.resolve(handler(req, res, body)).catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
