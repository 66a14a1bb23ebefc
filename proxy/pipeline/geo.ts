// The viewer's country for this request (spec §3.5, §11.10), resolved at most once: by recv's
// geo restriction check, or by the first policy that keys on or forwards
// CloudFront-Viewer-Country. Without a header or CIDR source it is a constant.
import type { Exchange } from './exchange.js'
import type { Transition } from './states.js'

const GEO_BLOCKED: Transition = { to: 'synth', synth: { kind: 'error', code: 'GEO_BLOCKED' } }

/** ISO-3166-1 alpha-2, or undefined when unknown. */
export function viewerCountryOf(ex: Exchange): string | undefined {
  const locator = ex.dist.geoLocator
  if (locator.fixed) return locator.locate(ex.viewer.headers, ex.viewer.clientIp)
  if (ex.viewerCountry === undefined) {
    ex.viewerCountry = locator.locate(ex.viewer.headers, ex.viewer.clientIp) ?? null
  }
  return ex.viewerCountry ?? undefined
}

/** §0 step 3: the 403 for a refused country; undefined to go on. */
export function geoRestriction(ex: Exchange): Transition | undefined {
  const blocks = ex.dist.geoBlocks
  return blocks !== undefined && blocks(viewerCountryOf(ex)) ? GEO_BLOCKED : undefined
}
