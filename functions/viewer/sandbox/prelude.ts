// Sandbox prelude, assembled (spec §7.1–§7.5): the factory the host evaluates once per
// context. It installs globals and modules, then returns the driver: `invoke(eventText)`
// runs the handler and answers one JSON string (or '' while a promise is pending), `poll(mode)`
// reads the settled answer (0) or the logs so far (1), `seal()` ends the compile phase.

import { PRELUDE_BUFFER } from './prelude-buffer.js'
import { PRELUDE_CLOUDFRONT } from './prelude-cloudfront.js'
import { PRELUDE_CORE } from './prelude-core.js'
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
function finish(v) {
  let body
  try { body = safeStringify(v) } catch (e) { return fail(e) }
  return '{"ok":1,"r":' + body + ',"l":[' + logBuf + '],"o":[' + originBuf + ']}'
}
function onSettled(v) { settled = finish(v) }
function onRejected(e) { settled = fail(e) }
// The event arrives as three JSON texts joined by newlines (JSON.stringify never emits one):
// {version, context, viewer}, request, response ('' for viewer-request), then Date's now. request and response
// are parsed on first access (shared accessors; texts kept per event in a WeakMap), so a
// function pays only for what it reads.
const eventTexts = new WeakMap()
const wmGet = WeakMap.prototype.get
const wmSet = WeakMap.prototype.set
function dataProp(obj, name, v) {
  defineProperty(obj, name, { value: v, writable: true, enumerable: true, configurable: true })
}
function lazyGetter(name, index) {
  return {
    get: function () {
      const v = jsonParse(apply(wmGet, eventTexts, [this])[index])
      dataProp(this, name, v)
      return v
    },
    set: function (v) { dataProp(this, name, v) },
    enumerable: true,
    configurable: true,
  }
}
const REQUEST_PROP = lazyGetter('request', 0)
const RESPONSE_PROP = lazyGetter('response', 1)
function invoke(eventText) {
  logBuf = ''
  logCount = 0
  logBytes = 0
  originBuf = ''
  originCount = 0
  settled = ''
  if (byteStrings.size > 0) byteStrings = new OSet()
  let r
  try {
    const parts = eventText.split('\n')
    nowMs = +parts[3]
    const ev = jsonParse(parts[0])
    apply(wmSet, eventTexts, [ev, parts])
    parts[0] = parts[1]
    parts[1] = parts[2]
    defineProperty(ev, 'request', REQUEST_PROP)
    if (parts[1] !== '') defineProperty(ev, 'response', RESPONSE_PROP)
    eventType = ev.context.eventType
    r = apply(handlerFn, undefined, [ev])
  } catch (e) { return fail(e) }
  if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
    try {
      const then = r.then
      if (typeof then === 'function') {
        apply(then, r, [onSettled, onRejected])
        return ''
      }
    } catch (e) { return fail(e) }
  }
  return finish(r)
}
function poll(mode) { return mode === 1 ? '[' + logBuf + ']' : settled }
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
