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
      return authorize(ex, ctx.deps)
    case 'viewerRequest':
      return viewerRequest(ex, ctx.deps)
    case 'lookup':
      return lookup(ex, ctx.deps)
    case 'originRequest':
      return originRequest(ex, ctx.deps)
    case 'fetch':
      return fetchOrigin(ex, ctx.deps)
    case 'originResponse':
      return originResponse(ex, ctx.deps)
    case 'store':
      return store(ex, ctx.deps)
    case 'errorPage':
      return errorPage(ex, ctx.deps)
    case 'viewerResponse':
      return viewerResponse(ex, ctx.deps)
    case 'deliver':
      return deliver(ex, ctx.closing(), ctx.deps.clock.nowMs())
    case 'synth':
      return synth(ex, edge.synth)
    case 'done':
      throw new Error('done has no stage')
  }
}

/** Where a run stands: the current state and the edge that led to it. */
interface Cursor {
  state: State
  edge: Transition
}

/**
 * Runs one exchange to completion. Returns undefined when it completed synchronously (a cache
 * hit needs no I/O, so it pays for no promise), else a promise that never rejects: failures
 * are answered or logged.
 */
export function runPipeline(ex: Exchange, ctx: RunContext): Promise<void> | undefined {
  const at: Cursor = { state: 'recv', edge: { to: 'recv' } }
  try {
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const out = step(ex, at.edge, ctx)
      if (out instanceof Promise) return runAsync(ex, ctx, at, out, steps)
      if (advance(at, out)) {
        settle(ex)
        return undefined
      }
    }
    throw new Error(`pipeline exceeded ${String(MAX_STEPS)} steps`)
  } catch (err) {
    return fail(ex, ctx, at.state, err)
  }
}

async function runAsync(
  ex: Exchange,
  ctx: RunContext,
  at: Cursor,
  pending: Promise<Transition>,
  steps: number,
): Promise<void> {
  try {
    if (advance(at, await pending)) {
      settle(ex)
      return
    }
    for (let n = steps + 1; n < MAX_STEPS; n++) {
      const out = step(ex, at.edge, ctx)
      if (advance(at, out instanceof Promise ? await out : out)) {
        settle(ex)
        return
      }
    }
    throw new Error(`pipeline exceeded ${String(MAX_STEPS)} steps`)
  } catch (err) {
    await fail(ex, ctx, at.state, err)
  }
}

/** Checks the edge against the table and moves the cursor; true at done. */
function advance(at: Cursor, next: Transition): boolean {
  if (!isAllowed(at.state, next.to)) {
    throw new Error(`illegal pipeline transition ${at.state} → ${next.to}`)
  }
  if (next.to === 'done') return true
  at.state = next.to
  at.edge = next
  return false
}

/** A collapsing leader that ended without storing must still wake its followers. */
function settle(ex: Exchange): void {
  ex.releaseCollapse?.(false)
}

async function fail(ex: Exchange, ctx: RunContext, state: State, err: unknown): Promise<void> {
  ctx.deps.log.error({ reqId: ex.id, state, err }, 'pipeline failure')
  settle(ex)
  await answerInternalError(ex, state, ctx)
}

async function answerInternalError(ex: Exchange, state: State, ctx: RunContext): Promise<void> {
  if (ex.res.headersSent || state === 'deliver') {
    ex.res.destroy()
    return
  }
  try {
    synth(ex, { kind: 'error', code: 'INTERNAL' })
    await deliver(ex, ctx.closing(), ctx.deps.clock.nowMs())
  } catch {
    ex.res.destroy()
  }
}
