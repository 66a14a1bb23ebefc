// The pipeline runner (design.md §1; Varnish's CNT_Request loop): run the current state's
// stage, check the edge it returns against TRANSITIONS, stop at done. A stage answers
// synchronously when it can, so a request that needs no I/O does not pay for awaits.
// An unexpected exception becomes a 500 (or a cut connection once headers went out).
import type { Deps } from '../deps.js'
import type { Exchange } from './exchange.js'
import { isAllowed, type State, type Transition } from './states.js'
import { authorize } from './stages/authorize.js'
import { deliver } from './stages/deliver.js'
import { errorPage } from './stages/error-page.js'
import { fetchOrigin } from './stages/fetch.js'
import { lookup } from './stages/lookup.js'
import { originRequest } from './stages/origin-request.js'
import { originResponse } from './stages/origin-response.js'
import { recv } from './stages/recv.js'
import { store } from './stages/store.js'
import { synth } from './stages/synth.js'
import { viewerRequest } from './stages/viewer-request.js'
import { viewerResponse } from './stages/viewer-response.js'

/** Longest legal path is about a dozen states; more means a loop. */
const MAX_STEPS = 32

export interface RunContext {
  readonly deps: Deps
  /** True while the server drains for shutdown: responses close their connection. */
  readonly closing: () => boolean
}

type Step = Transition | Promise<Transition>

function step(ex: Exchange, edge: Transition, ctx: RunContext): Step {
  switch (edge.to) {
    case 'recv':
      return recv(ex)
    case 'authorize':
      return authorize(ex)
    case 'viewerRequest':
      return viewerRequest(ex)
    case 'lookup':
      return lookup(ex, ctx.deps)
    case 'originRequest':
      return originRequest(ex)
    case 'fetch':
      return fetchOrigin(ex, ctx.deps)
    case 'originResponse':
      return originResponse(ex)
    case 'store':
      return store(ex, ctx.deps)
    case 'errorPage':
      return errorPage(ex)
    case 'viewerResponse':
      return viewerResponse(ex)
    case 'deliver':
      return deliver(ex, ctx.closing())
    case 'synth':
      return synth(ex, edge.synth)
    case 'done':
      throw new Error('done has no stage')
  }
}

/** Runs one exchange to completion. Never rejects: failures are answered or logged. */
export async function runPipeline(ex: Exchange, ctx: RunContext): Promise<void> {
  let state: State = 'recv'
  let edge: Transition = { to: 'recv' }
  try {
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const out = step(ex, edge, ctx)
      const next: Transition = out instanceof Promise ? await out : out
      if (!isAllowed(state, next.to)) {
        throw new Error(`illegal pipeline transition ${state} → ${next.to}`)
      }
      if (next.to === 'done') return
      state = next.to
      edge = next
    }
    throw new Error(`pipeline exceeded ${String(MAX_STEPS)} steps`)
  } catch (err) {
    ctx.deps.log.error({ reqId: ex.id, state, err }, 'pipeline failure')
    await answerInternalError(ex, state, ctx)
  } finally {
    // A collapsing leader that failed before storing must still wake its followers.
    ex.releaseCollapse?.()
  }
}

async function answerInternalError(ex: Exchange, state: State, ctx: RunContext): Promise<void> {
  if (ex.res.headersSent || state === 'deliver') {
    ex.res.destroy()
    return
  }
  try {
    synth(ex, { kind: 'error', code: 'INTERNAL' })
    await deliver(ex, ctx.closing())
  } catch {
    ex.res.destroy()
  }
}
