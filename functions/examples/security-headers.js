// security-headers.js: adds the standard security response headers.
//
// Event:   viewer-response (cloudfront-js-2.0; also valid 1.0 code).
// What:    sets Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options and
//          Referrer-Policy on every response, and a conservative Content-Security-Policy
//          only when the origin did not send its own CSP (enforcing or report-only): an
//          application that ships a CSP knows its own script and style sources better than
//          the edge does.
// Use:     associate with a behavior as
//            FunctionAssociations: [{ EventType: viewer-response, FunctionARN: security-headers }]
//          Edit HEADERS below. `override: true` replaces what the origin sent, `false` keeps it.
//          The CSP is deliberately strict (same-origin everything, no plugins, no framing); relax
//          it per site, or send a CSP from the origin. Viewer-response functions do not run for
//          origin responses >= 400, so error pages are served without these headers (use a
//          response headers policy if they must carry them).
// Try:     edgeproxy test-function functions/examples/security-headers.js \
//            --event functions/examples/events/viewer-response.json

const HEADERS = [
  // Two years; add `; preload` only after submitting the domain to hstspreload.org.
  {
    name: 'strict-transport-security',
    value: 'max-age=63072000; includeSubDomains',
    override: true,
  },
  { name: 'x-content-type-options', value: 'nosniff', override: true },
  { name: 'x-frame-options', value: 'DENY', override: true },
  { name: 'referrer-policy', value: 'strict-origin-when-cross-origin', override: true },
  {
    name: 'content-security-policy',
    value:
      "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    override: false,
  },
]

// An origin CSP in either form counts as "the origin already set a CSP".
const CSP_NAMES = ['content-security-policy', 'content-security-policy-report-only']

function handler(event) {
  var response = event.response
  var headers = response.headers
  var originHasCsp = false
  for (var i = 0; i < CSP_NAMES.length; i++) {
    if (headers[CSP_NAMES[i]]) originHasCsp = true
  }
  for (var j = 0; j < HEADERS.length; j++) {
    var h = HEADERS[j]
    if (h.name === 'content-security-policy' && originHasCsp) continue
    if (!h.override && headers[h.name]) continue
    // A fresh object drops any multiValue the origin sent, so exactly one line goes out.
    headers[h.name] = { value: h.value }
  }
  return response
}
