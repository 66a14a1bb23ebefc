// errorPage — custom error responses (spec §5): fetch ResponsePagePath through behavior
// matching and answer with ResponseCode. Lands with the error-pages issue; until then the
// error is delivered as it is. Exits: deliver.
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export function errorPage(_ex: Exchange): Transition {
  return { to: 'deliver' }
}
