// The plain hit, decided without node:http (design.md §1 principle 6; spec §0 steps 1–11 and
// 19–21): the pipeline's own recv, authorize and viewerRequest stages, then lookup's hitObject
// and serve — but only for behaviors compiled with `plainHits` (no JWT authorizer, viewer
// function or response headers policy: those stages are synchronous and have no effects until
// serve, and deliver writes the stored head as is), and only for a status below 400 without
// a conditional or range header. Anything else returns undefined before any
// effect, and the request goes to node:http and the whole pipeline, which decide it again.
import type { Socket } from 'node:net'
import { hasConditionalOrRange } from '../cache/answer.js'
import { X_CACHE } from '../cloudfront/headers.js'
import type { Deps } from '../deps.js'
import type { Exchange } from '../pipeline/exchange.js'
import { authorize } from '../pipeline/stages/authorize.js'
import { hitObject, serve } from '../pipeline/stages/lookup.js'
import { recv } from '../pipeline/stages/recv.js'
import { viewerRequest } from '../pipeline/stages/viewer-request.js'
import { hitHeadText, PREBUILT_HEADS } from '../prebuilt-head.js'

export interface PlainHit {
  readonly status: number
  /** The stored head as text (prebuilt-head.ts), without Age, X-Cache, X-Amz-Cf-Id. */
  readonly text: string
  readonly age: number
  readonly body: Buffer
}

/**
 * Serves `ex` as a Hit when it is a plain one (counted, ex.response set, as lookup's serve
 * does), else undefined with nothing counted or changed that the pipeline would not redo.
 */
export function plainHit(ex: Exchange, deps: Deps, nowMs: number): PlainHit | undefined {
  if (!PREBUILT_HEADS.enabled || recv(ex).to !== 'authorize' || !ex.behavior.plainHits) {
    return undefined
  }
  // Both synchronous here: without a JWT authorizer or a function neither awaits anything.
  if (!isTo(authorize(ex, deps), 'viewerRequest')) return undefined
  if (!isTo(viewerRequest(ex, deps), 'lookup') || hasConditionalOrRange(ex.headers)) {
    return undefined // a conditional or range request is answered by deliver: no key, no lookup
  }
  const object = hitObject(ex, deps, nowMs)
  if (object === undefined || object.hitHeadText === undefined || object.status >= 400) {
    return undefined
  }
  serve(ex, deps, object, nowMs)
  const hit = ex.response?.hit
  if (hit?.text === undefined) throw new Error('a plain hit without its prebuilt head')
  return { status: object.status, text: hit.text, age: hit.age, body: object.body }
}

function isTo(out: { readonly to: string } | Promise<unknown>, to: string): boolean {
  return !(out instanceof Promise) && out.to === to
}

/**
 * Writes a plain hit as deliver's text path would (prebuilt-head.ts): the head as one latin1
 * string, then the body unless the method is HEAD, in one writev. Returns the bytes written.
 */
export function writePlainHit(
  socket: Socket,
  method: string,
  hit: PlainHit,
  id: string,
  tail: string,
): number {
  const head = hitHeadText(hit.text, hit.age, X_CACHE.Hit, id, tail)
  if (method === 'HEAD') {
    socket.write(head, 'latin1')
    return head.length
  }
  socket.cork()
  socket.write(head, 'latin1')
  socket.write(hit.body)
  socket.uncork()
  return head.length + hit.body.length
}
