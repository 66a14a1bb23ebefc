// store — the caching decision (spec §0 step 16, §4; the cache lands with its issue), then
// where the response goes next: a 4xx/5xx with a custom error response → errorPage; another
// 4xx/5xx → deliver (X-Cache Error; viewer-response does not run, §0 step 20); else
// viewerResponse.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function store(ex: Exchange): Transition {
  const status = ex.response?.status ?? 502
  if (status < 400) return { to: 'viewerResponse' }
  ex.resultType = 'Error'
  const custom = ex.dist.config.distribution.customErrorResponses.some(
    (c) => c.errorCode === status,
  )
  return custom ? { to: 'errorPage' } : { to: 'deliver' }
}
