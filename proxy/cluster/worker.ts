// A `--workers` worker (design.md §3 "Workers"): a whole edgeproxy with its own memory cache
// and no admin listener; it answers the primary's asks (invalidate, stats, metrics, reload)
// over the cluster IPC channel and announces its listeners when ready.
import type { Logger } from 'pino'
import { compileInvalidation } from '../cloudfront/invalidation.js'
import type { Edgeproxy } from '../main.js'
import { isAsk, type Answer, type Ask, type Ready } from './protocol.js'

export function serveWorker(proxy: Edgeproxy, log: Logger): void {
  const send = (m: Answer | Ready) => process.send?.(m)
  process.on('message', (m: unknown) => {
    if (!isAsk(m)) return
    answer(proxy, m).then(
      (value) => send({ edgeproxy: 'answer', id: m.id, value }),
      (err: unknown) => {
        log.error({ err, op: m.op }, 'worker could not answer the primary')
        send({ edgeproxy: 'answer', id: m.id, error: String(err) })
      },
    )
  })
  send({ edgeproxy: 'ready', url: proxy.url, httpsUrl: proxy.httpsUrl })
}

async function answer(proxy: Edgeproxy, ask: Ask): Promise<NonNullable<Answer['value']>> {
  switch (ask.op) {
    case 'invalidate':
      return proxy.cache.invalidate(compileInvalidation(ask.paths))
    case 'stats':
      return proxy.cache.stats()
    case 'metrics':
      return proxy.metrics.registry.getMetricsAsJSON()
    case 'reload':
      return (await proxy.reload()).ok
  }
}
