// Two DirectCallers on one fresh QuickJS context (functions/viewer/sandbox/direct-call.ts):
// one on the direct path, one built on the public API only, as a quickjs-emscripten without
// the internals the direct path needs would offer it. Tests compare the two.
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten'
import { DirectCaller } from '../../functions/viewer/sandbox/direct-call.js'

export interface Callers {
  readonly ctx: QuickJSContext
  /** The direct path. */
  readonly caller: DirectCaller
  /** The public-API fallback. */
  readonly fallback: DirectCaller
  dispose(): void
}

export async function directCallers(): Promise<Callers> {
  const mod = await getQuickJS()
  const rt = mod.newRuntime()
  const ctx = rt.newContext()
  const caller = new DirectCaller(ctx)
  const stub: unknown = {
    undefined: ctx.undefined,
    callFunction: ctx.callFunction.bind(ctx),
    getString: (h: QuickJSHandle) => ctx.getString(h),
    encodeBinaryJSON: (h: QuickJSHandle) => ctx.encodeBinaryJSON(h),
    getArrayBuffer: (h: QuickJSHandle) => ctx.getArrayBuffer(h),
  }
  const fallback = new DirectCaller(stub as QuickJSContext)
  return {
    ctx,
    caller,
    fallback,
    dispose() {
      caller.dispose()
      fallback.dispose()
      ctx.dispose()
      rt.dispose()
    },
  }
}
