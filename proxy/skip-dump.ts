// A request without a body (no Content-Length or a zero one, no Transfer-Encoding) is whole when
// node hands it over. After the response, node's server still "dumps" every request nobody
// read (resOnFinish: `if (!req._consuming && …) req._dump()`): resume(), then read, end and
// close over the following ticks, work that was about 5% of a cache hit's CPU. Marking such a
// request as being consumed — what IncomingMessage#_read itself sets — skips it: there are no
// bytes to pull off the wire. `_consuming` is not public API, so it is used only where node's
// IncomingMessage has it (a boolean since the constructor), and SKIP_DUMP.enabled turns it off.
import type { IncomingMessage } from 'node:http'

/** The switch (tests compare both ways; a response is correct either way). */
export const SKIP_DUMP = { enabled: true }

/** Call only for a request without a body. */
export function skipDump(req: IncomingMessage): void {
  const r = req as unknown as { _consuming?: unknown }
  if (SKIP_DUMP.enabled && typeof r._consuming === 'boolean') r._consuming = true
}
