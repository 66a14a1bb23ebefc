// jwt-auth.js: lets a request through only with a valid HS256 JSON Web Token.
//
// Event:   viewer-request (cloudfront-js-2.0 only: it reads the secret from a KeyValueStore).
// What:    takes the token from `Authorization: Bearer <jwt>` or, failing that, from the cookie
//          `token`; checks that the header says alg HS256, that the HMAC-SHA256 signature
//          matches (compared in constant time over the encoded strings), and that the claims
//          `exp` (required) and `nbf` (optional), in seconds since the epoch, hold at the time
//          the function started (Date.now()). On success the token is removed from the request
//          (the Bearer Authorization header and any `token` cookie), so it is neither part of any
//          cache key nor sent to the origin. On any failure the viewer gets a generated
//          401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750) and the origin is not
//          contacted. The claims are not passed on; add a header here if the origin needs them.
// Use:     store the shared secret under the key `jwt-secret` in the KeyValueStore associated
//          with the function (value: the raw secret string, at most 1 KB), and associate the
//          function with the protected behavior (config snippet: functions/examples/README.md):
//            FunctionAssociations: [{ EventType: viewer-request, FunctionARN: jwt-auth }]
//          Rotate the secret by updating the store; no redeploy is needed. If the key is missing
//          the function throws, which CloudFront answers with 503: a misconfiguration fails
//          closed and visibly instead of as a stream of 401s.
// Try:     edgeproxy test-function functions/examples/jwt-auth.js \
//            --event functions/examples/events/jwt-missing.json \
//            --kvs jwt-secrets=functions/examples/data/jwt-secrets.json

import cf from 'cloudfront'
import crypto from 'crypto'

const SECRET_KEY = 'jwt-secret'
const COOKIE = 'token'
const REALM = 'edgeproxy'
// Seconds of clock skew tolerated on exp and nbf.
const LEEWAY = 0

const kvs = cf.kvs()

function unauthorized(reason) {
  // RFC 6750 §3: no error code when the request carried no token at all.
  var challenge = 'Bearer realm="' + REALM + '"'
  if (reason !== 'missing token') challenge += ', error="invalid_token"'
  console.log('jwt-auth: ' + reason)
  return {
    statusCode: 401,
    statusDescription: 'Unauthorized',
    headers: {
      'www-authenticate': { value: challenge },
      'cache-control': { value: 'no-store' },
      'content-type': { value: 'text/plain; charset=utf-8' },
    },
    body: 'Unauthorized\n',
  }
}

// The Bearer header wins over the cookie; `header` says where the token came from, so that
// another Authorization scheme (e.g. Basic, for the origin) is not stripped. Null: no token.
function findToken(request) {
  var auth = request.headers.authorization
  if (auth && /^bearer /i.test(auth.value)) {
    return { token: auth.value.substring(7).trim(), header: true }
  }
  var cookie = request.cookies[COOKIE]
  if (cookie && cookie.value) return { token: cookie.value, header: false }
  return null
}

function base64urlDecode(s) {
  var b64 = s.replace(/-/g, '+').replace(/_/g, '/')
  while (b64.length % 4 !== 0) b64 += '='
  return Buffer.from(b64, 'base64').toString('utf8')
}

// Compares two strings without stopping at the first difference; only the length leaks,
// and the length of an HS256 signature is public anyway.
function safeEqual(a, b) {
  if (a.length !== b.length) return false
  var diff = 0
  for (var i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

function parseJson(s) {
  try {
    var v = JSON.parse(s)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null
  } catch (e) {
    return null
  }
}

async function handler(event) {
  var request = event.request
  var found = findToken(request)
  if (!found) return unauthorized('missing token')

  var parts = found.token.split('.')
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) {
    return unauthorized('malformed token')
  }
  var header = parseJson(base64urlDecode(parts[0]))
  // Pinning the algorithm refuses `alg: none` and every algorithm-confusion trick.
  if (!header || header.alg !== 'HS256') return unauthorized('unsupported alg')

  var secret
  try {
    secret = await kvs.get(SECRET_KEY)
  } catch (e) {
    throw new Error('jwt-auth: key ' + SECRET_KEY + ' missing from the KeyValueStore')
  }
  var expected = crypto
    .createHmac('sha256', secret)
    .update(parts[0] + '.' + parts[1])
    .digest('base64url')
  if (!safeEqual(expected, parts[2])) return unauthorized('bad signature')

  var claims = parseJson(base64urlDecode(parts[1]))
  if (!claims) return unauthorized('malformed claims')
  var now = Math.floor(Date.now() / 1000)
  if (typeof claims.exp !== 'number') return unauthorized('no exp claim')
  if (now >= claims.exp + LEEWAY) return unauthorized('token expired')
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== 'number') return unauthorized('malformed nbf claim')
    if (now + LEEWAY < claims.nbf) return unauthorized('token not yet valid')
  }

  if (found.header) delete request.headers.authorization
  delete request.cookies[COOKIE]
  return request
}
