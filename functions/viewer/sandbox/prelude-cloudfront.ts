// Sandbox prelude, part 4: the `cloudfront` module of runtime 2.0 — `cf.kvs([id])` (spec §7.4,
// reads go to the host's KeyValueStore) and the origin helpers of §7.5, which validate their
// argument, then only record the call for the pipeline (viewer-request only). Runs inside
// QuickJS; not type-checked.

export const PRELUDE_CLOUDFRONT = String.raw`
let eventType = ''
let originBuf = ''
let originCount = 0
function recordOrigin(entry) {
  originBuf += (originCount++ === 0 ? '' : ',') + safeStringify(entry)
}
function bad(msg) { throw new OTypeError(msg) }
function isObj(v) { return v !== null && typeof v === 'object' && !isArray(v) }
function vStr(v, name, max) {
  if (typeof v !== 'string' || v.length === 0) bad(name + ' must be a non-empty string')
  if (max !== undefined && v.length > max) bad(name + ' must be at most ' + max + ' characters')
  return v
}
function vInt(v, name, lo, hi) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(name + ' must be an integer from ' + lo + ' to ' + hi)
  return v
}
function vBool(v, name) { if (typeof v !== 'boolean') bad(name + ' must be a boolean'); return v }
function vOneOf(v, name, list) {
  if (list.indexOf(v) < 0) bad(name + ' must be one of ' + list.join(', '))
  return v
}
function vObj(v, name, fields) {
  if (!isObj(v)) bad(name + ' must be an object')
  const out = {}
  const ks = O.keys(v)
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i]
    if (!hasOwn(fields, k)) bad(name + ': unknown property ' + k)
    if (v[k] !== undefined) defineProperty(out, k, { value: fields[k](v[k], name + '.' + k), enumerable: true })
  }
  return out
}
function vStrList(v, name, max) {
  if (!isArray(v) || v.length === 0 || v.length > max) bad(name + ' must be an array of 1 to ' + max + ' strings')
  const out = []
  for (let i = 0; i < v.length; i++) out[i] = vStr(v[i], name + '[' + i + ']')
  return out
}
const TIMEOUTS = {
  readTimeout: function (v, n) { return vInt(v, n, 1, 180) },
  keepAliveTimeout: function (v, n) { return vInt(v, n, 1, 180) },
  connectionTimeout: function (v, n) { return vInt(v, n, 1, 10) },
  responseCompletionTimeout: function (v, n) { return vInt(v, n, 1, 3600) },
}
const ORIGIN_PROPS = {
  domainName: function (v, n) {
    vStr(v, n, 253)
    if (/[:\/\s]/.test(v) || /^[0-9.]+$/.test(v)) bad(n + ' must be a DNS name (no port, path or IP address)')
    return v
  },
  hostHeader: function (v, n) { return vStr(v, n, 253) },
  sni: function (v, n) { return vStr(v, n, 253) },
  allowedCertificateNames: function (v, n) { return vStrList(v, n, 20) },
  originPath: function (v, n) {
    if (typeof v !== 'string' || (v !== '' && (v.charCodeAt(0) !== 47 || v.charCodeAt(v.length - 1) === 47))) bad(n + " must be '' or a path that starts with '/' and does not end with '/'")
    return v
  },
  customHeaders: function (v, n) {
    if (!isObj(v)) bad(n + ' must be an object of header names to string values')
    const out = {}
    const ks = O.keys(v)
    for (let i = 0; i < ks.length; i++) {
      if (!/^[a-z0-9!#$%&'*+.^_|~-]+$/.test(ks[i])) bad(n + ': header name ' + ks[i] + ' must be a lowercase token')
      if (typeof v[ks[i]] !== 'string') bad(n + '.' + ks[i] + ' must be a string')
      defineProperty(out, ks[i], { value: v[ks[i]], enumerable: true })
    }
    return out
  },
  connectionAttempts: function (v, n) { return vInt(v, n, 1, 3) },
  originShield: function (v, n) {
    const o = vObj(v, n, { enabled: vBool, region: function (r, rn) { return vStr(r, rn, 64) } })
    if (o.enabled === undefined) bad(n + '.enabled is required')
    if (o.enabled && o.region === undefined) bad(n + '.region is required when enabled')
    return o
  },
  originAccessControlConfig: function (v, n) {
    const o = vObj(v, n, {
      enabled: vBool,
      signingBehavior: function (x, xn) { return vOneOf(x, xn, ['always', 'never', 'no-override']) },
      signingProtocol: function (x, xn) { return vOneOf(x, xn, ['sigv4']) },
      originType: function (x, xn) { return vOneOf(x, xn, ['s3', 'mediapackagev2', 'mediastore', 'lambda']) },
    })
    if (o.enabled === undefined) bad(n + '.enabled is required')
    if (o.enabled && (o.signingBehavior === undefined || o.signingProtocol === undefined || o.originType === undefined)) bad(n + ': signingBehavior, signingProtocol and originType are required when enabled')
    return o
  },
  timeouts: function (v, n) { return vObj(v, n, TIMEOUTS) },
  customOriginConfig: function (v, n) {
    return vObj(v, n, {
      port: function (x, xn) { return vInt(x, xn, 1, 65535) },
      protocol: function (x, xn) { return vOneOf(x, xn, ['http', 'https']) },
      sslProtocols: function (x, xn) {
        const l = vStrList(x, xn, 4)
        for (let i = 0; i < l.length; i++) vOneOf(l[i], xn + '[' + i + ']', ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'])
        return l
      },
      ipAddressType: function (x, xn) { return vOneOf(x, xn, ['ipv4', 'ipv6', 'dualstack']) },
    })
  },
  mTLSConfig: function (v, n) { return vOneOf(v, n, ['inherit', 'off']) },
}
function viewerRequestOnly(name) {
  if (eventType !== 'viewer-request') throw new OError('cf.' + name + '() can only be used in a viewer-request function')
}
function updateRequestOrigin(props) {
  viewerRequestOnly('updateRequestOrigin')
  recordOrigin({ kind: 'update', props: vObj(props, 'updateRequestOrigin(props)', ORIGIN_PROPS) })
}
function selectRequestOriginById(originId) {
  viewerRequestOnly('selectRequestOriginById')
  recordOrigin({ kind: 'select', originId: vStr(originId, 'selectRequestOriginById(originId)') })
}
function createRequestOriginGroup(params) {
  viewerRequestOnly('createRequestOriginGroup')
  const n = 'createRequestOriginGroup(params)'
  if (!isObj(params)) bad(n + ' must be an object')
  const ids = params.originIds
  if (!isArray(ids) || ids.length < 2) bad(n + '.originIds must be an array of at least 2 origin ids')
  const originIds = []
  for (let i = 0; i < ids.length; i++) {
    const id = isObj(ids[i]) ? ids[i].originId : ids[i]
    originIds[i] = vStr(id, n + '.originIds[' + i + ']')
  }
  const fc = params.failoverCriteria
  if (!isObj(fc) || !isArray(fc.statusCodes) || fc.statusCodes.length === 0) bad(n + '.failoverCriteria.statusCodes must be a non-empty array')
  const statusCodes = []
  for (let i = 0; i < fc.statusCodes.length; i++) statusCodes[i] = vInt(fc.statusCodes[i], n + '.failoverCriteria.statusCodes[' + i + ']', 400, 599)
  if (params.selectionCriteria !== undefined) vOneOf(params.selectionCriteria, n + '.selectionCriteria', ['default', 'media-quality-based'])
  recordOrigin({ kind: 'group', originIds: originIds, statusCodes: statusCodes })
}

// KeyValueStore (section 7.4): promise-returning reads backed by the host store.
function keyNotFound(key) {
  const e = new OError('Key not found: ' + key)
  e.name = 'KeyNotFound'
  return e
}
function checkKey(key) {
  if (typeof key !== 'string' || key.length === 0) throw new OTypeError('key must be a non-empty string')
}
const kvsHandle = freeze({
  get: async function get(key, options) {
    checkKey(key)
    const format = options === undefined || options === null || options.format === undefined ? 'string' : options.format
    if (format !== 'string' && format !== 'text' && format !== 'json' && format !== 'bytes') throw new OTypeError('Unknown format: ' + format)
    const v = host('kvs-get', key)
    if (v === undefined) throw keyNotFound(key)
    if (format === 'json') return jsonParse(v)
    if (format === 'bytes') return binToBytes(utf8Enc(v), Buffer)
    return v
  },
  exists: async function exists(key) {
    checkKey(key)
    return host('kvs-get', key) !== undefined
  },
  meta: async function meta() { return jsonParse(host('kvs-meta')) },
})
function kvs(id) {
  const store = cfg.kvs
  if (store === null) throw new OError('No KeyValueStore is associated with this function')
  if (id !== undefined && id !== store.name && id !== store.id && id !== store.arn) throw new OError('KeyValueStore ' + id + ' is not associated with this function')
  return kvsHandle
}
const cloudfrontModule = freeze({
  kvs: kvs,
  updateRequestOrigin: updateRequestOrigin,
  selectRequestOriginById: selectRequestOriginById,
  createRequestOriginGroup: createRequestOriginGroup,
})
`
