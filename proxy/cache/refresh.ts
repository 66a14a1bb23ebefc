// stale-while-revalidate (spec §4.4): the stale object is served at once and one background
// request refreshes it — a conditional request through the same origin-request, fetch,
// origin-response and store stages a miss uses (Lambda@Edge origin functions included), on a
// copy of the exchange that never writes to the viewer.
import type { Deps } from '../deps.js'
import type { Exchange } from '../pipeline/exchange.js'
import { fetchOrigin } from '../pipeline/stages/fetch.js'
import { originRequest } from '../pipeline/stages/origin-request.js'
import { originResponse } from '../pipeline/stages/origin-response.js'
import { store } from '../pipeline/stages/store.js'
import type { CachedObject } from './store.js'
import { discardBody } from '../origin/discard.js'

export function refreshInBackground(ex: Exchange, deps: Deps, object: CachedObject): void {
  // One refresh per key: a request already leading this key will store its result.
  if (deps.collapser.waitFor(object.key) !== undefined) return
  const sub: Exchange = {
    ...ex,
    stale: object,
    response: undefined,
    releaseCollapse: deps.collapser.lead(object.key),
  }
  void run(sub, deps).catch((err: unknown) => {
    deps.log.warn({ reqId: ex.id, key: object.key, err }, 'background refresh failed')
  })
}

async function run(sub: Exchange, deps: Deps): Promise<void> {
  try {
    let built = await originRequest(sub, deps)
    let fetched = built.to === 'fetch' ? await fetchOrigin(sub, deps) : built
    if (fetched.to === 'originRequest') {
      // §1.4: the primary of an origin group failed; the secondary is asked once.
      built = await originRequest(sub, deps)
      fetched = built.to === 'fetch' ? await fetchOrigin(sub, deps) : built
    }
    if (fetched.to === 'originResponse') fetched = await originResponse(sub, deps)
    // store: the origin's answer, or one an origin-request function generated.
    if (fetched.to === 'store') await store(sub, deps)
  } finally {
    sub.releaseCollapse?.(false)
    discardBody(sub.response?.body)
  }
}
