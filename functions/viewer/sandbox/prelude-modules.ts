// Sandbox prelude, part 3 (spec §7.1 built-in modules): `crypto` (createHash / createHmac over
// md5, sha1, sha256; digests computed by the host with node:crypto, so byte-exact with Node)
// and `querystring` (a port of Node's lib/querystring.js parse / stringify / escape /
// unescape). Runs inside QuickJS; not type-checked.

export const PRELUDE_MODULES = String.raw`
const HASH_ALGS = ['md5', 'sha1', 'sha256']
const DIGEST_ENCODINGS = ['hex', 'base64', 'base64url', 'latin1', 'binary']
function dataToBin(data, enc, what) {
  if (typeof data === 'string') {
    const e = normEnc(enc)
    if (e === 'utf8' && isByteString(data)) return data
    return toBin(data, e)
  }
  if (data instanceof OArrayBuffer) return bytesToBin(new OU8(data))
  if (isView(data)) return bytesToBin(new OU8(data.buffer, data.byteOffset, data.byteLength))
  throw new OTypeError('The "' + what + '" argument must be of type string or an instance of Buffer, TypedArray, or DataView')
}
class Hash {
  #alg
  #key
  #data = ''
  #done = false
  constructor(alg, key) {
    if (HASH_ALGS.indexOf(alg) < 0) throw new OError('Digest method not supported: ' + alg)
    this.#alg = alg
    this.#key = key
  }
  update(data, enc) {
    if (this.#done) throw new OError('Digest already called')
    this.#data += dataToBin(data, enc, 'data')
    return this
  }
  digest(enc) {
    if (this.#done) throw new OError('Digest already called')
    this.#done = true
    if (enc !== undefined && DIGEST_ENCODINGS.indexOf(enc) < 0) throw new OTypeError('Unsupported digest encoding: ' + enc)
    const out = host('digest', this.#alg, this.#key, this.#data, enc === undefined || enc === 'binary' ? 'latin1' : enc)
    if (enc !== undefined) return out
    return is10 ? asByteString(out) : binToBytes(out, Buffer)
  }
}
const cryptoModule = freeze({
  createHash: function createHash(alg) { return new Hash(alg, undefined) },
  createHmac: function createHmac(alg, key) {
    if (key === undefined || key === null) throw new OTypeError('The "key" argument must be of type string or an instance of Buffer')
    return new Hash(alg, dataToBin(key, undefined, 'key'))
  },
})

// querystring, after Node's lib/querystring.js (null-prototype result, arrays for repeated keys).
function hexVal(c) {
  return c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1
}
function unescapeBuffer(s, decodeSpaces) {
  let out = ''
  let i = 0
  const max = s.length - 2
  while (i < s.length) {
    let c = s.charCodeAt(i)
    if (c === 43 && decodeSpaces) { out += ' '; i++; continue }
    if (c === 37 && i < max) {
      c = s.charCodeAt(++i)
      const hi = hexVal(c)
      if (hi < 0) { out += '%'; continue }
      const lo = hexVal(s.charCodeAt(++i))
      if (lo < 0) { out += '%'; i-- } else c = hi * 16 + lo
    }
    out += fromCharCode(c & 255)
    i++
  }
  return out
}
function qsUnescape(s, decodeSpaces) {
  try { return decURI(s) } catch (e) { return utf8Dec(unescapeBuffer(String(s), decodeSpaces)) }
}
function qsEscape(s) {
  if (typeof s !== 'string') s = typeof s === 'object' ? String(s) : s + ''
  return encURI(s)
}
function decodeStr(s, decoder) {
  try { return decoder(s) } catch (e) { return qsUnescape(s, true) }
}
function addKeyVal(obj, key, value, keyEncoded, valEncoded, decode) {
  if (key.length > 0 && keyEncoded) key = decodeStr(key, decode)
  if (value.length > 0 && valEncoded) value = decodeStr(value, decode)
  const cur = obj[key]
  if (cur === undefined) obj[key] = value
  else if (isArray(cur)) cur[cur.length] = value
  else obj[key] = [cur, value]
}
function qsParse(qs, sep, eq, options) {
  const obj = O.create(null)
  if (typeof qs !== 'string' || qs.length === 0) return obj
  const sepS = sep ? String(sep) : '&'
  const eqS = eq ? String(eq) : '='
  const sepLen = sepS.length
  const eqLen = eqS.length
  let pairs = 1000
  if (options && typeof options.maxKeys === 'number') pairs = options.maxKeys > 0 ? options.maxKeys : 0
  let decode = qsUnescape
  if (options && typeof options.decodeURIComponent === 'function') decode = options.decodeURIComponent
  const customDecode = decode !== qsUnescape
  const plusChar = customDecode ? '%20' : ' '
  let lastPos = 0, sepIdx = 0, eqIdx = 0, key = '', value = '', encodeCheck = 0
  let keyEncoded = customDecode, valEncoded = customDecode
  for (let i = 0; i < qs.length; ++i) {
    const code = qs.charCodeAt(i)
    if (code === sepS.charCodeAt(sepIdx)) {
      if (++sepIdx === sepLen) {
        const end = i - sepIdx + 1
        if (eqIdx < eqLen) {
          if (lastPos < end) key += qs.slice(lastPos, end)
          else if (key.length === 0) {
            if (--pairs === 0) return obj
            lastPos = i + 1
            sepIdx = eqIdx = 0
            continue
          }
        } else if (lastPos < end) value += qs.slice(lastPos, end)
        addKeyVal(obj, key, value, keyEncoded, valEncoded, decode)
        if (--pairs === 0) return obj
        keyEncoded = valEncoded = customDecode
        key = value = ''
        encodeCheck = 0
        lastPos = i + 1
        sepIdx = eqIdx = 0
      }
      continue
    }
    sepIdx = 0
    if (eqIdx < eqLen) {
      if (code === eqS.charCodeAt(eqIdx)) {
        if (++eqIdx === eqLen) {
          const end = i - eqIdx + 1
          if (lastPos < end) key += qs.slice(lastPos, end)
          encodeCheck = 0
          lastPos = i + 1
        }
        continue
      }
      eqIdx = 0
      if (!keyEncoded) {
        if (code === 37) { encodeCheck = 1; continue }
        if (encodeCheck > 0) {
          if (hexVal(code) >= 0) { if (++encodeCheck === 3) keyEncoded = true; continue }
          encodeCheck = 0
        }
      }
      if (code === 43) {
        if (lastPos < i) key += qs.slice(lastPos, i)
        key += plusChar
        lastPos = i + 1
        continue
      }
    }
    if (code === 43) {
      if (lastPos < i) value += qs.slice(lastPos, i)
      value += plusChar
      lastPos = i + 1
    } else if (!valEncoded) {
      if (code === 37) encodeCheck = 1
      else if (encodeCheck > 0) {
        if (hexVal(code) >= 0) { if (++encodeCheck === 3) valEncoded = true } else encodeCheck = 0
      }
    }
  }
  if (lastPos < qs.length) {
    if (eqIdx < eqLen) key += qs.slice(lastPos)
    else if (sepIdx < sepLen) value += qs.slice(lastPos)
  } else if (eqIdx === 0 && key.length === 0) return obj
  addKeyVal(obj, key, value, keyEncoded, valEncoded, decode)
  return obj
}
function stringifyPrimitive(v) {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && isFinite(v)) return '' + v
  if (typeof v === 'bigint') return '' + v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return ''
}
function encodeStringified(v, encode) {
  if (typeof v === 'string') return v.length ? encode(v) : ''
  if (typeof v === 'number' && isFinite(v)) return Math.abs(v) < 1e21 ? '' + v : encode('' + v)
  if (typeof v === 'bigint') return '' + v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return ''
}
function qsStringify(obj, sep, eq, options) {
  sep = sep || '&'
  eq = eq || '='
  let encode = qsEscape
  if (options && typeof options.encodeURIComponent === 'function') encode = options.encodeURIComponent
  const convert = encode === qsEscape ? encodeStringified : function (v, enc) { return enc(stringifyPrimitive(v)) }
  if (obj === null || typeof obj !== 'object') return ''
  const ks = O.keys(obj)
  let fields = ''
  for (let i = 0; i < ks.length; ++i) {
    const v = obj[ks[i]]
    const k = convert(ks[i], encode) + eq
    if (isArray(v)) {
      if (v.length === 0) continue
      if (fields) fields += sep
      for (let j = 0; j < v.length; ++j) {
        if (j) fields += sep
        fields += k + convert(v[j], encode)
      }
    } else {
      if (fields) fields += sep
      fields += k + convert(v, encode)
    }
  }
  return fields
}
const querystringModule = freeze({
  parse: qsParse, decode: qsParse, stringify: qsStringify, encode: qsStringify,
  escape: qsEscape, unescape: qsUnescape, unescapeBuffer: function (s, d) { return binToBytes(unescapeBuffer(String(s), d), is10 ? OU8 : Buffer) },
})
`
