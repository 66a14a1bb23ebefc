// errorPage — custom error responses (spec §5). For a status with a CustomErrorResponse that
// has a ResponsePagePath, the page is fetched as a GET through the behavior whose pattern
// matches the page path (its cache and origin; no viewer functions) and returned with
// ResponseCode (or the original status). If the page cannot be had, the page fetch's own
// status is returned without a page (§5 step 4). Entries without a page path only tune error
// caching and never come here. Exits: deliver.
import type { Deps } from '../../deps.js'
import { discardBody } from '../../origin/discard.js'
import type { Exchange, PendingResponse } from '../exchange.js'
import type { State, Transition } from '../states.js'
import { fetchOrigin } from './fetch.js'
import { lookup } from './lookup.js'
import { originRequest } from './origin-request.js'
import { originResponse } from './origin-response.js'
import { store } from './store.js'
import { synth } from './synth.js'

const TO_DELIVER: Transition = { to: 'deliver' }

export async function errorPage(ex: Exchange, deps: Deps): Promise<Transition> {
  const status = ex.response?.status ?? 502
  const custom = ex.dist.errorPages.get(status)
  // route.ts and synth.ts only come here for statuses that have a page.
  if (custom === undefined) throw new Error(`no error page for ${String(status)}`)
  const page = await fetchPage(ex, deps, custom.path)
  discardBody(ex.response?.body)
  ex.resultType = 'Error'
  if (page.status >= 400) {
    // §5 step 4: the page could not be had; what its origin said goes out instead.
    ex.response = page
    return TO_DELIVER
  }
  const headers = { ...page.headers }
  delete headers['age']
  ex.response = { status: custom.status, headers, body: page.body }
  return TO_DELIVER
}

/** Runs the page GET through lookup → … → store on a copy of the exchange (§5 step 1). */
async function fetchPage(ex: Exchange, deps: Deps, path: string) {
  const sub: Exchange = {
    ...ex,
    viewer: { ...ex.viewer, method: 'GET', hasBody: false },
    behavior: ex.dist.behaviors.match(path),
    uri: path,
    querystring: '',
    headers: pageHeaders(ex.headers),
    origin: undefined,
    failoverGroup: undefined,
    failedOver: undefined,
    originOverride: undefined,
    originRequest: undefined,
    response: undefined,
    resultType: 'Miss',
    cacheKey: undefined,
    stale: undefined,
    releaseCollapse: undefined,
  }
  let state: State = 'lookup'
  let edge: Transition = { to: 'lookup' }
  try {
    for (let steps = 0; steps < 8; steps++) {
      const next = await runStage(sub, deps, edge)
      if (next.to === 'synth') {
        synth(sub, next.synth)
        return plain(sub)
      }
      if (
        next.to !== 'originRequest' &&
        next.to !== 'fetch' &&
        next.to !== 'originResponse' &&
        next.to !== 'store'
      ) {
        return plain(sub)
      }
      state = next.to
      edge = next
    }
    throw new Error(`error page fetch did not finish (at ${state})`)
  } finally {
    sub.releaseCollapse?.(false)
  }
}

function runStage(sub: Exchange, deps: Deps, edge: Transition): Transition | Promise<Transition> {
  const to = edge.to
  if (to === 'lookup') return lookup(sub, deps)
  if (to === 'originRequest') return originRequest(sub, deps)
  if (to === 'fetch') return fetchOrigin(sub, deps)
  if (to === 'originResponse') return originResponse(sub, deps)
  if (to === 'store') return store(sub, deps)
  throw new Error(`unexpected state ${to} in an error page fetch`)
}

/** The sub-request's response with any shared (cached) headers copied. */
function plain(sub: Exchange): PendingResponse {
  const r = sub.response
  if (r === undefined) return { status: 502, headers: {}, body: null }
  return { status: r.status, headers: { ...r.headers }, body: r.body }
}

/** The page is fetched as CloudFront would: the viewer's Host and encodings, nothing else. */
function pageHeaders(h: Exchange['headers']): Exchange['headers'] {
  const out: Record<string, string | string[] | undefined> = {}
  for (const name of ['host', 'accept-encoding'] as const)
    if (h[name] !== undefined) out[name] = h[name]
  return out
}
