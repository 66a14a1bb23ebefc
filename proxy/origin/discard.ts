// Letting go of a response body nobody will read. undici reports a body destroyed before its
// end as a RequestAbortedError 'error' event, which would crash the process with no listener:
// every discarded body gets one, then is destroyed (its connection is not reused).
import type { Readable } from 'node:stream'

function ignore(): void {
  // The body is unwanted; so is its error.
}

export function discardBody(body: Readable | Buffer | null | undefined): void {
  if (body === null || body === undefined || Buffer.isBuffer(body)) return
  body.on('error', ignore)
  body.destroy()
}
