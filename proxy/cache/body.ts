// Reading an origin body into memory for the cache, up to a limit (spec §4.2: incomplete
// responses are never stored). Past the limit, the bytes read so far and the rest of the
// stream are handed back as one stream, so a large object streams through uncached.
import { Readable } from 'node:stream'

export type Collected =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large'; readonly stream: Readable }

export async function collectBody(stream: Readable, limit: number): Promise<Collected> {
  const chunks: Buffer[] = []
  let size = 0
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  for (;;) {
    const next = await it.next()
    if (next.done === true) break
    chunks.push(next.value)
    size += next.value.length
    if (size > limit) {
      const out = Readable.from(rest(chunks, it))
      // Destroyed before its first read, the generator never runs its finally: release the
      // origin body (and its connection or file) here too.
      out.once('close', () => {
        stream.on('error', ignore)
        stream.destroy()
      })
      return { kind: 'too-large', stream: out }
    }
  }
  return { kind: 'complete', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }
}

async function* rest(head: Buffer[], it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* head
    for (let n = await it.next(); n.done !== true; n = await it.next()) yield n.value
  } finally {
    // A viewer that goes away must release the origin connection too.
    await it.return?.()
  }
}

function ignore(): void {
  // The source is abandoned; its error is of no interest.
}
