// viewerRequest — the viewer-request edge function (spec §0 step 8; CloudFront Function or
// Lambda@Edge, runtimes land with their issues), then the default root object (§11.4: a URI
// of exactly `/` becomes `/<DefaultRootObject>`). The behavior chosen in recv stays in force.
// Exits: lookup when the method is cached for the behavior, else originRequest; deliver for
// a function-generated response.
import { SWITCHES } from '../../cloudfront/switches.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function viewerRequest(ex: Exchange): Transition {
  const root = ex.dist.defaultRootPath
  if (
    root !== '' &&
    ex.uri === '/' &&
    (ex.querystring === '' || SWITCHES.defaultRootObjectWithQuery)
  ) {
    ex.uri = root
  }
  return ex.behavior.cachedMethods.has(ex.viewer.method)
    ? { to: 'lookup' }
    : { to: 'originRequest' }
}
