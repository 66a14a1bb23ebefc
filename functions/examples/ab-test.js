// ab-test.js: sticky A/B test of a whole site, B served from a `/b/` copy.
//
// Event:   viewer-request (cloudfront-js-2.0; also valid 1.0 code).
// What:    a viewer whose `ab-variant` cookie is `A` or `B` keeps that variant; any other
//          viewer is assigned one with Math.random(), 50/50 (change SHARE_B). For variant B
//          the URI is rewritten to the same path under `/b` (`/` -> `/b/`,
//          `/pricing` -> `/b/pricing`), so the two variants are different objects in the cache
//          and the cookie does not have to be part of the cache key. Variant A is untouched.
//          The variant is also put on the request as the header `x-ab-variant: A|B`.
// Persisting the assignment (read this): a viewer-request function can only send Set-Cookie
//          in a response it generates itself, and generating one here would mean a redirect
//          round trip on every first visit. So this function does not set the cookie; it hands
//          the assignment on in `x-ab-variant`, and one of these sets the cookie:
//          1. a viewer-response function on the same behavior (recommended), which runs on hits
//             and misses alike and sets the cookie when the viewer did not send a valid one:
//               function handler(event) {
//                 var req = event.request, res = event.response
//                 var v = req.headers['x-ab-variant'], c = req.cookies['ab-variant']
//                 if (v && !(c && c.value === v.value)) {
//                   res.cookies['ab-variant'] = {
//                     value: v.value, attributes: 'Path=/; Max-Age=2592000; Secure; SameSite=Lax' }
//                 }
//                 return res
//               }
//             (it relies on the viewer-response event carrying the request as this function
//             left it, header included; check that on your distribution before relying on it);
//          2. or the origin, if the origin request policy forwards `x-ab-variant`; but a
//             Set-Cookie from the origin is cached with the object unless the response is
//             uncacheable, so this only suits behaviors that do not cache (e.g. HTML with
//             CachingDisabled).
//          Requests sent before the first response comes back (a page's parallel asset fetches)
//          are assigned independently; keep `/b/` copies of shared assets identical, or test
//          only HTML.
// Use:     deploy the B variant of every object under `/b/` at the origin, then
//            FunctionAssociations: [{ EventType: viewer-request, FunctionARN: ab-test }]
// Try:     edgeproxy test-function functions/examples/ab-test.js \
//            --event functions/examples/events/ab-cookie-b.json

const COOKIE = 'ab-variant'
const HEADER = 'x-ab-variant'
const PREFIX_B = '/b'
const SHARE_B = 0.5

function handler(event) {
  var request = event.request
  var cookie = request.cookies[COOKIE]
  var variant
  if (cookie && (cookie.value === 'A' || cookie.value === 'B')) variant = cookie.value
  else variant = Math.random() < SHARE_B ? 'B' : 'A'

  var uri = request.uri
  var alreadyB = uri === PREFIX_B || uri.indexOf(PREFIX_B + '/') === 0
  if (variant === 'B' && !alreadyB) request.uri = PREFIX_B + uri
  request.headers[HEADER] = { value: variant }
  return request
}
