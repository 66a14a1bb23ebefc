// Sandbox prelude, part 1 (spec §7.1): captured built-ins, the frozen `Date`, no `eval` or
// Function constructor, `console` capture truncated at 10 KB, and the byte-string helpers
// (a "binary" string holds one byte per char) the other parts share. Runs inside QuickJS,
// in the scope of the prelude factory (`rawHost`, `cfg` are its parameters); not type-checked.

export const PRELUDE_CORE = String.raw`
const G = globalThis
const O = Object
const apply = Reflect.apply
const construct = Reflect.construct
const defineProperty = O.defineProperty
const getOwnPropertyDescriptor = O.getOwnPropertyDescriptor
const getPrototypeOf = O.getPrototypeOf
const objectKeys = O.keys
const hasOwn = O.hasOwn
const freeze = O.freeze
const isArray = Array.isArray
const jsonStringify = JSON.stringify
const jsonParse = JSON.parse
cfg = jsonParse(cfg)
const OError = Error
const OTypeError = TypeError
const OInternalError = InternalError
const OU8 = Uint8Array
const OArrayBuffer = ArrayBuffer
const isView = ArrayBuffer.isView
const OSet = Set
const setHas = Set.prototype.has
const setAdd = Set.prototype.add
const fromCharCode = String.fromCharCode
const encURI = encodeURIComponent
const decURI = decodeURIComponent
const esc = escape
const unesc = unescape
const ObjectProto = Object.prototype
const ArrayProto = Array.prototype
const is10 = cfg.runtime === 'cloudfront-js-1.0'

function hidden(target, name, value) {
  defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false })
}

// Date is the invocation start for the whole run (section 7.1).
const ODate = Date
let nowMs = 0
const FrozenDate = function Date(y, m, d, h, mi, s, ms) {
  if (new.target === undefined) return new ODate(nowMs).toString()
  return arguments.length === 0 ? construct(ODate, [nowMs], new.target) : construct(ODate, arguments, new.target)
}
defineProperty(FrozenDate, 'prototype', { value: ODate.prototype })
hidden(ODate.prototype, 'constructor', FrozenDate)
hidden(FrozenDate, 'now', function now() { return nowMs })
hidden(FrozenDate, 'parse', ODate.parse)
hidden(FrozenDate, 'UTC', ODate.UTC)
hidden(G, 'Date', FrozenDate)

// No code generation from strings: eval is gone, every Function constructor throws.
const blocked = function Function() {
  throw new OTypeError('code generation from strings is not allowed in CloudFront Functions')
}
defineProperty(blocked, 'prototype', { value: getPrototypeOf(blocked) })
const fnSamples = [function () {}, async function () {}, function* () {}, async function* () {}]
for (let i = 0; i < fnSamples.length; i++) {
  defineProperty(getPrototypeOf(fnSamples[i]), 'constructor', { value: blocked, writable: false, configurable: false })
}
hidden(G, 'Function', blocked)
delete G.eval

// UTF-8 and byte strings.
// Strings cross to the host as C strings, so NUL is escaped (\x01\x02; \x01 as \x01\x03).
function nulEsc(s) {
  return typeof s === 'string' && /[\x00\x01]/.test(s) ? s.replace(/[\x00\x01]/g, function (c) { return c === '\x00' ? '\x01\x02' : '\x01\x03' }) : s
}
function nulUnesc(s) {
  return typeof s === 'string' && s.indexOf('\x01') >= 0 ? s.replace(/\x01([\x02\x03])/g, function (m, c) { return c === '\x02' ? '\x00' : '\x01' }) : s
}
function host(op, a, b, c, d) { return nulUnesc(rawHost(op, nulEsc(a), nulEsc(b), nulEsc(c), nulEsc(d))) }
function conv(s, from, to) { return host('conv', s, from, to) }
function utf8Enc(s) {
  try { return unesc(encURI(s)) } catch (e) { return conv(s, 'utf8', 'latin1') }
}
function utf8Len(s) {
  return /[^\x00-\x7f]/.test(s) ? utf8Enc(s).length : s.length
}
function utf8Dec(bin) {
  try { return decURI(esc(bin)) } catch (e) { return conv(bin, 'latin1', 'utf8') }
}
function bytesToBin(u8) {
  let s = ''
  for (let i = 0; i < u8.length; i += 8192) s += apply(fromCharCode, null, u8.subarray(i, i + 8192))
  return s
}
function binToBytes(s, C) {
  const n = s.length
  const u = new C(n)
  for (let i = 0; i < n; i++) u[i] = s.charCodeAt(i)
  return u
}
function normEnc(e) {
  if (e === undefined || e === null) return 'utf8'
  const l = String(e).toLowerCase()
  switch (l) {
    case 'utf8': case 'utf-8': return 'utf8'
    case 'binary': case 'latin1': return 'latin1'
    case 'hex': case 'base64': case 'base64url': case 'ascii': return l
    default: throw new OTypeError('Unknown encoding: ' + e)
  }
}
function toBin(s, enc) {
  if (enc === 'utf8') return utf8Enc(s)
  if (enc === 'latin1' && !/[^\x00-\xff]/.test(s)) return s
  return conv(s, enc, 'latin1')
}
function fromBin(bin, enc) {
  if (enc === 'utf8') return utf8Dec(bin)
  if (enc === 'latin1') return bin
  return conv(bin, 'latin1', enc)
}
// Runtime 1.0 has njs byte strings; strings this prelude produced as bytes are remembered
// for the run so crypto treats them as raw bytes, not UTF-8 text.
let byteStrings = new OSet()
function asByteString(s) {
  if (is10 && byteStrings.size < 1024) apply(setAdd, byteStrings, [s])
  return s
}
function isByteString(s) { return is10 && apply(setHas, byteStrings, [s]) }

// console: every argument formatted, lines joined as JSON text, total capped at 10 KB.
const LOG_LIMIT = 10240
let logBuf = ''
let logCount = 0
let logBytes = 0
function fmt(v) {
  if (typeof v === 'string') return v
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return String(v)
  try {
    if (v instanceof OError) return String(v)
    const s = jsonStringify(v)
    return s === undefined ? String(v) : s
  } catch (e) { return String(v) }
}
function log() {
  if (logBytes >= LOG_LIMIT) return
  let line = ''
  for (let i = 0; i < arguments.length; i++) line += (i === 0 ? '' : ' ') + fmt(arguments[i])
  let n = utf8Len(line)
  if (logBytes + n > LOG_LIMIT) {
    let cut = 0
    let used = 0
    while (cut < line.length) {
      const w = utf8Len(line.slice(cut, cut + 1))
      if (logBytes + used + w > LOG_LIMIT) break
      used += w
      cut++
    }
    line = line.slice(0, cut)
    n = LOG_LIMIT - logBytes
  }
  logBytes += n
  logBuf += (logCount++ === 0 ? '' : ',') + jsonStringify(line)
}
hidden(G, 'console', { log: log, info: log, warn: log, error: log, debug: log })
`
