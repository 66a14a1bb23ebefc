// redirect-by-country.js: sends viewers to their country's section of the site.
//
// Event:   viewer-request (cloudfront-js-2.0; also valid 1.0 code).
// What:    reads the CloudFront-Viewer-Country header (ISO 3166-1 alpha-2, uppercase) and,
//          for a country in COUNTRY_PREFIX, answers 302 Found to the same path and query under
//          that prefix: a German viewer asking for `/shop?x=1` goes to `/de/shop?x=1`.
//          A path already under any of the prefixes is left alone, so a viewer who picked
//          another language keeps it and the redirect cannot loop. Other countries, a missing
//          header, and methods other than GET/HEAD (a 302 would turn a POST into a GET) pass.
// Use:     CloudFront adds CloudFront-Viewer-Country to the request only when the behavior's
//          cache policy or origin request policy includes it (for example the managed
//          origin request policy AllViewerAndCloudFrontHeaders-2022-06, or a custom policy
//          listing `CloudFront-Viewer-Country`); without it this function does nothing.
//            FunctionAssociations: [{ EventType: viewer-request, FunctionARN: redirect-by-country }]
//          The Location is a relative reference (RFC 9110 allows it), so the scheme and
//          host the viewer used are kept. The generated response is not cached by CloudFront.
// Try:     edgeproxy test-function functions/examples/redirect-by-country.js \
//            --event functions/examples/events/country-de.json

const COUNTRY_PREFIX = {
  DE: '/de',
  AT: '/de',
  FR: '/fr',
  BE: '/fr',
}

function underPrefix(uri) {
  for (var cc in COUNTRY_PREFIX) {
    var p = COUNTRY_PREFIX[cc]
    if (uri === p || uri.indexOf(p + '/') === 0) return true
  }
  return false
}

// Rebuilds the query string from the event object, keeping repeated parameters and the values
// exactly as the viewer sent them (CloudFront does not decode them).
function queryString(qs) {
  var parts = []
  for (var name in qs) {
    var entry = qs[name]
    var values = entry.multiValue ? entry.multiValue : [entry]
    for (var i = 0; i < values.length; i++) {
      parts.push(values[i].value === '' ? name : name + '=' + values[i].value)
    }
  }
  return parts.length > 0 ? '?' + parts.join('&') : ''
}

function handler(event) {
  var request = event.request
  if (request.method !== 'GET' && request.method !== 'HEAD') return request
  var header = request.headers['cloudfront-viewer-country']
  if (!header) return request
  var prefix = COUNTRY_PREFIX[header.value.toUpperCase()]
  if (!prefix || underPrefix(request.uri)) return request
  return {
    statusCode: 302,
    statusDescription: 'Found',
    headers: {
      location: { value: prefix + request.uri + queryString(request.querystring) },
      'cache-control': { value: 'private, no-store' },
    },
  }
}
