// viewerResponse — the viewer-response edge function (spec §0 steps 19–20) and the response
// headers policy; both land with their issues. Exits: deliver, or synth when a function fails.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function viewerResponse(_ex: Exchange): Transition {
  return { to: 'deliver' }
}
