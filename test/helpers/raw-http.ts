// Raw HTTP/1.1 on one loopback connection, for tests that must see exactly what went over the
// wire: several requests written at once (pipelined), responses framed by Content-Length.
import { connect } from 'node:net'

export interface Raw {
  readonly head: string[]
  readonly body: string
}

/** Writes `requests` on one connection at once and reads `count` responses (Content-Length
 * framed), then whether the server closed the connection. */
export function exchange(
  port: number,
  requests: string,
  count: number,
): Promise<{ responses: Raw[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    const responses: Raw[] = []
    let settled = false
    const finish = (closed: boolean) => {
      if (settled) return
      settled = true
      socket.destroy()
      resolve({ responses, closed })
    }
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) break
        const head = buf.subarray(0, end).toString('latin1').split('\r\n')
        const lengthLine = head.find((l) => l.toLowerCase().startsWith('content-length:'))
        const isHead = requests.split('\r\n\r\n')[responses.length]?.startsWith('HEAD') === true
        const length = isHead || lengthLine === undefined ? 0 : Number(lengthLine.split(':')[1])
        if (buf.length < end + 4 + length) break
        responses.push({ head, body: buf.subarray(end + 4, end + 4 + length).toString() })
        buf = buf.subarray(end + 4 + length)
      }
      if (responses.length === count) setTimeout(() => finish(false), 50)
    })
    socket.on('end', () => finish(true))
    socket.on('error', reject)
    socket.write(requests)
  })
}

export const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: edge.test\r\n${extra}\r\n`

/** Head lines with the per-request values (Age, X-Amz-Cf-Id) blanked, to compare two heads. */
export const masked = (head: readonly string[]) =>
  head.map((l) => l.replace(/^(age|x-amz-cf-id): .*/i, '$1: *'))
