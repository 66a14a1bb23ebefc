// authorize — signed URL / signed cookie verification (spec §6, §0 step 7). Behaviors without
// trusted key groups or signers pass straight through; verification lands with the
// private-content issue. Exits: viewerRequest, or synth 403.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function authorize(_ex: Exchange): Transition {
  return { to: 'viewerRequest' }
}
