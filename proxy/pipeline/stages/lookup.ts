// lookup — the cache lookup (spec §0 step 11, §4). Until the cache lands every lookup is a
// miss. Exits: viewerResponse on a fresh hit, originRequest on a miss or stale entry.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function lookup(ex: Exchange): Transition {
  ex.resultType = 'Miss'
  return { to: 'originRequest' }
}
