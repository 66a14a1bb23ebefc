// originResponse — the origin-response Lambda@Edge (spec §0 step 15) runs here for every
// origin response, errors included, before caching; until it lands this stage passes.
// Exits: store, or synth when a function fails.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function originResponse(_ex: Exchange): Transition {
  return { to: 'store' }
}
