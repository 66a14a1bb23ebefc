// Where a response goes once the cache has had its say (spec §0 steps 18–20): 4xx/5xx with a
// custom error page → errorPage; other 4xx/5xx → deliver with X-Cache Error (the
// viewer-response function does not run for them); everything else → viewerResponse.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

const TO_VIEWER_RESPONSE: Transition = { to: 'viewerResponse' }
const TO_ERROR_PAGE: Transition = { to: 'errorPage' }
const TO_DELIVER: Transition = { to: 'deliver' }

export function afterStored(ex: Exchange): Transition {
  const status = ex.response?.status ?? 502
  if (status < 400) return TO_VIEWER_RESPONSE
  ex.resultType = 'Error'
  const custom = ex.dist.errorPages.has(status)
  return custom ? TO_ERROR_PAGE : TO_DELIVER
}
