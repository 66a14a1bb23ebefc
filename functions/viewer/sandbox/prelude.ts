// Sandbox prelude, assembled (spec §7.1–§7.5): the factory the host evaluates once per
// context. It installs globals and modules, then returns the driver: `invoke(eventText)`
// runs the handler and answers one string (an answer, see finish(), or '' while a promise is
// pending), `poll(mode)` reads the settled answer (0) or the logs so far (1), `seal()` ends
// the compile phase.

import { PRELUDE_BUFFER } from './prelude-buffer.js'
import { PRELUDE_CLOUDFRONT } from './prelude-cloudfront.js'
import { PRELUDE_CORE } from './prelude-core.js'
import { PRELUDE_EVENT } from './prelude-event.js'
import { PRELUDE_MODULES } from './prelude-modules.js'

const PRELUDE_DRIVER = String.raw`
function require(name) {
  switch (name) {
    case 'crypto': return cryptoModule
    case 'querystring': return querystringModule
    case 'buffer': if (!is10) return bufferModule; break
    case 'cloudfront': if (!is10) return cloudfrontModule; break
  }
  throw new OError("Cannot find module '" + name + "'")
}
const bufferModule = freeze({ Buffer: Buffer })
hidden(G, 'require', require)

// A toJSON planted on Object.prototype / Array.prototype would hijack the result's JSON:
// lift it for the duration of the stringify.
function safeStringify(v) {
  const a = hasOwn(ObjectProto, 'toJSON') ? getOwnPropertyDescriptor(ObjectProto, 'toJSON') : undefined
  const b = hasOwn(ArrayProto, 'toJSON') ? getOwnPropertyDescriptor(ArrayProto, 'toJSON') : undefined
  if (a === undefined && b === undefined) {
    const s = jsonStringify(v)
    return s === undefined ? 'null' : s
  }
  if ((a && !a.configurable) || (b && !b.configurable)) throw new OTypeError('built-in prototypes were made unserializable')
  if (a) delete ObjectProto.toJSON
  if (b) delete ArrayProto.toJSON
  try {
    const s = jsonStringify(v)
    return s === undefined ? 'null' : s
  } finally {
    if (a) defineProperty(ObjectProto, 'toJSON', a)
    if (b) defineProperty(ArrayProto, 'toJSON', b)
  }
}

let handlerFn
let settled = ''
function errorText(e) {
  try {
    if (e instanceof OError) return String(e.name) + ': ' + String(e.message)
    return String(e)
  } catch (x) { return 'uncaught exception' }
}
function errorKind(e) {
  try {
    if (e instanceof OInternalError && (e.message === 'out of memory' || e.message === 'stack overflow')) return 'memory'
  } catch (x) {}
  return 'exception'
}
function fail(e) {
  return '{"ok":0,"k":"' + errorKind(e) + '","m":' + jsonStringify(errorText(e)) + ',"l":[' + logBuf + ']}'
}
// With no logs and no origin selections (the common case) the answer is 'R', the digit of
// the parts left out ('omitted', see ownRoot in prelude-event.ts) and the result's JSON,
// which the host reads without the envelope. The returned object is stringified as plain
// data — no parts left out — when it has its own toJSON or another prototype.
function finish(v) {
  let body
  omitted = 0
  serializing =
    ownRoot !== undefined && v === ownRoot && !hasOwn(v, 'toJSON') && getPrototypeOf(v) === ObjectProto ? v : undefined
  try { body = safeStringify(v) } catch (e) { return fail(e) } finally { serializing = undefined }
  if (logCount === 0 && originCount === 0) return 'R' + omitted + body
  return '{"ok":1,"r":' + body + ',"p":' + omitted + ',"l":[' + logBuf + '],"o":[' + originBuf + ']}'
}
function onSettled(v) { settled = finish(v) }
function onRejected(e) { settled = fail(e) }
function invoke(eventText) {
  logBuf = ''
  logCount = 0
  logBytes = 0
  originBuf = ''
  originCount = 0
  settled = ''
  if (byteStrings.size > 0) byteStrings = new OSet()
  let r
  // The driver lets go of the event when the handler returns: retireRequest() (see
  // prelude-event.ts) must find it only where the function kept it.
  let ev
  try {
    ev = readEvent(eventText)
    eventType = ev.context.eventType
    r = apply(handlerFn, undefined, [ev])
  } catch (e) {
    ev = undefined
    return ended(fail(e))
  }
  ev = undefined
  if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
    try {
      const then = r.then
      if (typeof then === 'function') {
        apply(then, r, [onSettled, onRejected])
        return ''
      }
    } catch (e) { return ended(fail(e)) }
  }
  return ended(finish(r))
}
// The invocation's answer, once it has ended (a pending one ends at the host's poll).
function ended(answer) {
  if (requestFields !== undefined) retireRequest()
  return answer
}
function poll(mode) { return ended(mode === 1 ? '[' + logBuf + ']' : settled) }
function seal() {
  delete G.__cf_boot
  return typeof handlerFn === 'function'
}
hidden(G, '__cf_boot', {
  register: function (h) { if (handlerFn === undefined && typeof h === 'function') handlerFn = h },
  modules: { cloudfront: cloudfrontModule, crypto: cryptoModule, querystring: querystringModule, buffer: bufferModule },
})
return { invoke: invoke, poll: poll, seal: seal }
`

/** Evaluates to `function (host, cfg) { ... }`; cfg is `{ runtime, kvs: {name,id,arn}|null }`. */
export const PRELUDE = `(function (rawHost, cfg) {
'use strict'
${PRELUDE_CORE}
${PRELUDE_BUFFER}
${PRELUDE_MODULES}
${PRELUDE_CLOUDFRONT}
${PRELUDE_EVENT}
${PRELUDE_DRIVER}
})`

/** Appended to user code: hands the (possibly module-scoped, unexported) handler over. */
export const REGISTER_SUFFIX =
  "\n;globalThis.__cf_boot.register(typeof handler === 'function' ? handler : undefined);\n"

const named = new Map([
  ['cloudfront', ''],
  ['crypto', 'export const { createHash, createHmac } = m\n'],
  ['querystring', 'export const { parse, decode, stringify, encode, escape, unescape } = m\n'],
  ['buffer', 'export const { Buffer } = m\n'],
])

/** ES module sources for `import x from '<name>'` (runtime 2.0), read at compile time. */
export function moduleSource(name: string): string | undefined {
  const extra = named.get(name)
  if (extra === undefined) return undefined
  return `const m = globalThis.__cf_boot.modules[${JSON.stringify(name)}]\nexport default m\n${extra}`
}
