// Sandbox prelude, assembled (spec §7.1–§7.5): the factory the host evaluates once per
// context. It installs globals and modules, then returns the driver: `invoke(eventText)`
// runs the handler and answers: an array for the host's binary reader, or text ('U' or 'R'
// and JSON, see finish(); an error's JSON, see fail(); '' while a promise is pending).
// `poll(mode)` reads the settled answer, as text (0), or the logs so far (1); `json(answer)`
// turns an array answer into text; `seal()` ends the compile phase.

import { PARTS } from '../event-text.js'
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
// The answer of a handler that returned v: [omitted, result], or, with logs or origin
// selections, [omitted, result, logs, origins] (the JSON texts of two arrays). The host reads
// it with QuickJS's binary writer (bjson.ts); what that cannot take, it hands to json() below.
// The event's own request/response (ownRoot) is read with serializing set: a part the
// function never read is a placeholder 0 and its PARTS bit in 'omitted' (see ownRoot in
// prelude-event.ts). While no part of it is an object yet (ownSettled), its JSON is short and
// the answer is text (for a request, see uriAnswer() first); else it is answered as a copy of
// its own enumerable properties, which the writer takes without the ~1 µs per header object
// that JSON.stringify costs here. With its own toJSON or another prototype, it is answered as
// it is, and json() stringifies it as plain data.
function finish(v) {
  omitted = 0
  let r = v
  if (ownRoot !== undefined && v === ownRoot && !hasOwn(v, 'toJSON') && getPrototypeOf(v) === ObjectProto) {
    serializing = v
    let body
    try {
      if (ownSettled) r = ownCopy(v)
      else {
        const a = ownIsRequest && logCount === 0 && originCount === 0 ? uriAnswer(v) : undefined
        if (typeof a === 'string') return a
        if (a !== undefined) r = a
        else body = safeStringify(v)
      }
    } catch (e) { return fail(e) } finally { serializing = undefined }
    if (body !== undefined) return textAnswer(omitted, body)
  }
  // A toJSON of its own, enumerable or not (the writer sees only the first): JSON answers it.
  if (r !== null && typeof r === 'object' && hasOwn(r, 'toJSON')) return json([omitted, r])
  if (logCount === 0 && originCount === 0) return [omitted, r]
  return [omitted, r, '[' + logBuf + ']', '[' + originBuf + ']']
}
// The commonest answer of all, a viewer-request function that returns the event's request with
// at most its uri changed and no part read: 'U' and the uri (the host takes the method and the
// parts from its event). Its keys must be the event's five in their order, each part our
// unread accessor (its bit set in 'omitted' by reading it; a 0 the function put there sets
// none), the method the event's, and no log line or origin selection made meanwhile (by a
// getter). The host reads the answer exactly (cfg.exactText, see direct-call.ts) when the uri
// is shorter than MAX_U: 'U' + uri is then a flat string, not a rope (QuickJS makes ropes only
// of longer concatenations). Otherwise the uri must be free of what a C string loses (NUL,
// surrogates). Other keys: undefined, nothing read yet. Else, the five values as read, as
// ownCopy() would make them (each property is read once).
const ALL_PARTS = ${PARTS.querystring | PARTS.headers | PARTS.cookies}
const exactText = cfg.exactText === true
const MAX_U = 512
// Its exec is the built-in one: RegExp.prototype.test looks exec up on the RegExp, and the
// function may have replaced RegExp.prototype.exec.
const NOT_TEXT = /[\0\ud800-\udfff]/
defineProperty(NOT_TEXT, 'exec', { value: RegExp.prototype.exec })
const reTest = RegExp.prototype.test
function uriAnswer(v) {
  const k = objectKeys(v)
  if (k.length !== 5 || k[0] !== 'method' || k[1] !== 'uri' || k[2] !== 'querystring' || k[3] !== 'headers' || k[4] !== 'cookies') return undefined
  const m = v.method
  const u = v.uri
  const q = v.querystring
  const h = v.headers
  const c = v.cookies
  if (q === 0 && h === 0 && c === 0 && omitted === ALL_PARTS && m === ownMethod && typeof u === 'string' &&
      (exactText ? u.length < MAX_U : !apply(reTest, NOT_TEXT, [u])) && logCount === 0 && originCount === 0) return 'U' + u
  return { __proto__: null, method: m, uri: u, querystring: q, headers: h, cookies: c }
}
// A null-prototype object: assignments make own properties whatever Object.prototype has.
function ownCopy(v) {
  const keys = objectKeys(v)
  const c = { __proto__: null }
  for (let i = 0; i < keys.length; i++) c[keys[i]] = v[keys[i]]
  return c
}
// The answer as text, for what the binary writer does not take (getters, functions, shared or
// cyclic objects, Dates, toJSON). Logs written by a getter run here are in it.
function json(a) {
  // A string the writer could not take (out of memory flattening it) is its own text.
  if (!isArray(a)) return a
  let body
  try { body = safeStringify(a[1]) } catch (e) { return fail(e) }
  return textAnswer(a[0], body)
}
// 'R', the digit of the parts left out and the result's JSON when there are no logs and no
// origin selections, else the JSON envelope.
function textAnswer(parts, body) {
  if (logCount === 0 && originCount === 0) return 'R' + parts + body
  return '{"ok":1,"r":' + body + ',"p":' + parts + ',"l":[' + logBuf + '],"o":[' + originBuf + ']}'
}
// An async answer is text made when the promise settles: jobs that run after it (before the
// host polls) cannot change it.
function onSettled(v) {
  const a = finish(v)
  settled = isArray(a) ? json(a) : a
}
function onRejected(e) { settled = fail(e) }
function invoke(eventText) {
  logBuf = ''
  logCount = 0
  logBytes = 0
  originBuf = ''
  originCount = 0
  settled = ''
  if (is10 && byteStrings.size > 0) byteStrings = new OSet()
  let r
  // The driver lets go of the event when the handler returns: retireRequest() (see
  // prelude-event.ts) must find it only where the function kept it.
  let ev
  try {
    ev = readEvent(eventText)
    // A plain call: \`this\` is undefined as with Reflect.apply, and no built-in the function
    // can replace is involved.
    r = handlerFn(ev)
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
  // The answer is made before the driver lets go of the result (retireOwn(), prelude-event.ts).
  const answer = finish(r)
  r = undefined
  return ended(answer)
}
// The invocation's answer, once it has ended (a pending one ends at the host's poll).
function ended(answer) {
  if (ownRef !== undefined) retireOwn()
  if (requestFields !== undefined) retireRequest()
  return answer
}
function poll(mode) {
  if (mode === 1) return ended('[' + logBuf + ']')
  const s = settled
  settled = ''
  return ended(s)
}
function seal() {
  delete G.__cf_boot
  return typeof handlerFn === 'function'
}
hidden(G, '__cf_boot', {
  register: function (h) { if (handlerFn === undefined && typeof h === 'function') handlerFn = h },
  modules: { cloudfront: cloudfrontModule, crypto: cryptoModule, querystring: querystringModule, buffer: bufferModule },
})
return { invoke: invoke, poll: poll, seal: seal, json: json }
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
