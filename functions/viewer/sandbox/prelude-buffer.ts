// Sandbox prelude, part 2 (spec §7.1): runtime 2.0's `Buffer`, `TextEncoder`, `TextDecoder`,
// `atob`, `btoa`; runtime 1.0's njs string helpers (`bytesFrom`, `fromBytes`, `fromUTF8`,
// `toBytes`, `toUTF8`). Encodings other than UTF-8/latin1 go through the host (Node's Buffer),
// so conversions are byte-exact with Node. Runs inside QuickJS; not type-checked.

export const PRELUDE_BUFFER = String.raw`
class Buffer extends OU8 {
  static from(v, encOrOffset, length) {
    if (typeof v === 'string') return binToBytes(toBin(v, normEnc(encOrOffset)), Buffer)
    if (v instanceof OArrayBuffer) {
      const off = encOrOffset === undefined ? 0 : encOrOffset
      return new Buffer(v, off, length === undefined ? v.byteLength - off : length)
    }
    if (v !== null && typeof v === 'object') {
      const src = !isView(v) && !isArray(v) && v.type === 'Buffer' && isArray(v.data) ? v.data : v
      if (typeof src.length === 'number') {
        const b = new Buffer(src.length)
        for (let i = 0; i < src.length; i++) b[i] = src[i] & 255
        return b
      }
    }
    throw new OTypeError('The first argument must be a string, Buffer, ArrayBuffer, Array or array-like object')
  }
  static alloc(size, fill, enc) {
    const b = new Buffer(size)
    if (typeof fill === 'number') b.fill(fill & 255)
    else if (typeof fill === 'string' && fill.length > 0) {
      const p = toBin(fill, normEnc(enc))
      for (let i = 0; i < size; i++) b[i] = p.charCodeAt(i % p.length)
    }
    return b
  }
  static allocUnsafe(size) { return new Buffer(size) }
  static byteLength(v, enc) {
    if (typeof v === 'string') return toBin(v, normEnc(enc)).length
    if (v instanceof OArrayBuffer || isView(v)) return v.byteLength
    throw new OTypeError('The "string" argument must be a string, Buffer or ArrayBuffer')
  }
  static concat(list, total) {
    if (!isArray(list)) throw new OTypeError('The "list" argument must be an Array')
    let n = 0
    for (let i = 0; i < list.length; i++) n += list[i].length
    const size = total === undefined ? n : total
    const out = new Buffer(size)
    let off = 0
    for (let i = 0; i < list.length && off < size; i++) {
      const b = list[i]
      const part = off + b.length > size ? b.subarray(0, size - off) : b
      out.set(part, off)
      off += part.length
    }
    return out
  }
  static isBuffer(v) { return v instanceof Buffer }
  static isEncoding(e) { try { normEnc(e); return typeof e === 'string' } catch (x) { return false } }
  static compare(a, b) { return a.compare(b) }
  toString(enc, start, end) {
    const whole = start === undefined && end === undefined
    return fromBin(bytesToBin(whole ? this : this.subarray(start || 0, end === undefined ? this.length : end)), normEnc(enc))
  }
  slice(start, end) { return this.subarray(start, end) }
  equals(other) {
    if (!(other instanceof OU8)) throw new OTypeError('The "otherBuffer" argument must be a Buffer or Uint8Array')
    return this.compare(other) === 0
  }
  compare(other) {
    const n = Math.min(this.length, other.length)
    for (let i = 0; i < n; i++) if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1
    return this.length === other.length ? 0 : this.length < other.length ? -1 : 1
  }
  write(s, offset, enc) {
    const bin = toBin(s, normEnc(enc))
    const off = offset || 0
    const n = Math.min(bin.length, this.length - off)
    for (let i = 0; i < n; i++) this[off + i] = bin.charCodeAt(i)
    return n
  }
  toJSON() { return { type: 'Buffer', data: Array.from(this) } }
}

function toU8(input) {
  if (input === undefined) return new OU8(0)
  if (input instanceof OArrayBuffer) return new OU8(input)
  if (isView(input)) return new OU8(input.buffer, input.byteOffset, input.byteLength)
  throw new OTypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView')
}
class TextEncoder {
  get encoding() { return 'utf-8' }
  encode(s) { return binToBytes(utf8Enc(s === undefined ? '' : String(s)), OU8) }
}
class TextDecoder {
  #fatal
  #ignoreBOM
  constructor(label, options) {
    const l = label === undefined ? 'utf-8' : String(label).trim().toLowerCase()
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeError('The "' + label + '" encoding is not supported')
    this.#fatal = !!(options && options.fatal)
    this.#ignoreBOM = !!(options && options.ignoreBOM)
  }
  get encoding() { return 'utf-8' }
  get fatal() { return this.#fatal }
  get ignoreBOM() { return this.#ignoreBOM }
  decode(input) {
    const bin = bytesToBin(toU8(input))
    let s
    try { s = decURI(esc(bin)) } catch (e) {
      if (this.#fatal) throw new OTypeError('The encoded data was not valid for encoding utf-8')
      s = conv(bin, 'latin1', 'utf8')
    }
    return !this.#ignoreBOM && s.charCodeAt(0) === 0xfeff ? s.slice(1) : s
  }
}
function invalidCharacter(msg) {
  const e = new OError(msg)
  e.name = 'InvalidCharacterError'
  return e
}
function atob(s) {
  let t = String(s).replace(/[\t\n\f\r ]/g, '')
  if (t.length % 4 === 0) t = t.replace(/==?$/, '')
  if (t.length % 4 === 1 || /[^A-Za-z0-9+\/]/.test(t)) throw invalidCharacter('The string to be decoded is not correctly encoded.')
  return conv(t, 'base64', 'latin1')
}
function btoa(s) {
  const t = String(s)
  if (/[^\x00-\xff]/.test(t)) throw invalidCharacter('Invalid character')
  return conv(t, 'latin1', 'base64')
}

if (!is10) {
  hidden(G, 'Buffer', Buffer)
  hidden(G, 'TextEncoder', TextEncoder)
  hidden(G, 'TextDecoder', TextDecoder)
  hidden(G, 'atob', atob)
  hidden(G, 'btoa', btoa)
} else {
  const part = function (s, start, end) { return start === undefined && end === undefined ? s : s.slice(start || 0, end) }
  const bytesFromImpl = function bytesFrom(v, enc) {
    if (typeof v === 'string') {
      const e = normEnc(enc)
      if (e !== 'hex' && e !== 'base64' && e !== 'base64url') throw new OTypeError('Unknown encoding: ' + enc)
      return asByteString(conv(v, e, 'latin1'))
    }
    let s = ''
    for (let i = 0; i < v.length; i++) s += fromCharCode(v[i] & 255)
    return asByteString(s)
  }
  hidden(String, 'bytesFrom', bytesFromImpl)
  hidden(String.prototype, 'bytesFrom', function bytesFrom(enc) { return bytesFromImpl(String(this), enc) })
  hidden(String.prototype, 'toBytes', function toBytes(start, end) {
    const s = part(String(this), start, end)
    return /[^\x00-\xff]/.test(s) ? null : asByteString(s)
  })
  hidden(String.prototype, 'fromBytes', function fromBytes(start, end) { return part(String(this), start, end) })
  hidden(String.prototype, 'toUTF8', function toUTF8(start, end) { return asByteString(utf8Enc(part(String(this), start, end))) })
  hidden(String.prototype, 'fromUTF8', function fromUTF8(start, end) {
    const s = part(String(this), start, end)
    if (/[^\x00-\xff]/.test(s)) return null
    try { return decURI(esc(s)) } catch (e) { return null }
  })
}
`
