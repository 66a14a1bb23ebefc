// The Via entry of this hop (spec §9.1/§9.2), cached per viewer HTTP version and edge host.
import { viaEntry } from '../../cloudfront/headers.js'
import type { Exchange } from '../exchange.js'

const cache = new Map<string, string>()

export function viewerVia(ex: Exchange): string {
  const key = `${ex.viewer.httpVersion} ${ex.dist.edgeHost}`
  let via = cache.get(key)
  if (via === undefined) {
    via = viaEntry(ex.viewer.httpVersion, ex.dist.edgeHost)
    cache.set(key, via)
  }
  return via
}
