// The Via entry of this hop (spec §9.1/§9.2) for the viewer's HTTP version, built once per
// distribution at compile time.
import type { Exchange } from '../exchange.js'

export function viewerVia(ex: Exchange): string {
  const v = ex.dist.via
  const version = ex.viewer.httpVersion
  return version === '1.1' ? v.http11 : version === '2.0' ? v.http2 : v.http10
}
