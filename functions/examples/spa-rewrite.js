// spa-rewrite.js: serves a single-page application's index.html for client-side routes.
//
// Event:   viewer-request (cloudfront-js-2.0; also valid 1.0 code).
// What:    a URI whose last path segment has no file extension (`/about`, `/users/42`,
//          `/settings/`) is rewritten to `/index.html`, so the SPA's router handles it.
//          Files (`/app.js`, `/img/logo.png`, `/v1.2/notes.txt`) pass unchanged. `/` is left
//          alone so the distribution's DefaultRootObject applies (CloudFront maps `/` to it
//          only when the function leaves the URI as `/`). The query string is kept.
//          Paths under PASS_THROUGH (e.g. ACME challenges, which have no extension) pass.
// Use:     associate with the behavior that serves the SPA (usually the default one):
//            FunctionAssociations: [{ EventType: viewer-request, FunctionARN: spa-rewrite }]
//          Unlike a 403/404 custom error response this keeps real 404s for missing files and
//          does not hide origin errors. A rewrite changes the object, not the behavior or origin.
// Try:     edgeproxy test-function functions/examples/spa-rewrite.js \
//            --event functions/examples/events/spa-route.json

const INDEX = '/index.html'
const PASS_THROUGH = ['/.well-known/']

function handler(event) {
  var request = event.request
  var uri = request.uri
  if (uri === '/') return request
  for (var i = 0; i < PASS_THROUGH.length; i++) {
    if (uri.indexOf(PASS_THROUGH[i]) === 0) return request
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1)
  // A dot after the first character marks an extension; `.hidden` alone is a name, not one.
  if (last.lastIndexOf('.') > 0) return request
  request.uri = INDEX
  return request
}
