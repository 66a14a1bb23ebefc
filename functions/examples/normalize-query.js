// normalize-query.js: canonical query strings, for a better cache hit ratio.
//
// Event:   viewer-request (cloudfront-js-2.0; also valid 1.0 code).
// What:    `?B=2&utm_source=x&a=1&fbclid=y` and `?a=1&b=2` ask for the same thing but make two
//          cache keys. This function lowercases every parameter name, drops tracking
//          parameters (any `utm_*`, and the click ids in DROP), and rebuilds
//          request.querystring with the names in sorted order. Values are kept exactly as sent
//          (case and percent-encoding), and so is the order of a repeated parameter's values,
//          because `?tag=a&tag=b` and `?tag=b&tag=a` may mean different things to the origin.
//          Names that become equal after lowercasing (`A=1&a=2`) are merged into one repeated
//          parameter, in the order they arrived.
// Use:     associate with every behavior whose cache policy includes query strings:
//            FunctionAssociations: [{ EventType: viewer-request, FunctionARN: normalize-query }]
//          Only do this if the origin treats parameter names case-insensitively; otherwise
//          set LOWERCASE_NAMES to false. The origin no longer sees the tracking parameters;
//          analytics that need them should read them in the browser or from the access logs
//          (which record the query string as the viewer sent it).
// Try:     edgeproxy test-function functions/examples/normalize-query.js \
//            --event functions/examples/events/query-messy.json

const LOWERCASE_NAMES = true
const DROP_PREFIXES = ['utm_']
const DROP = ['fbclid', 'gclid', 'gbraid', 'wbraid', 'dclid', 'msclkid', 'mc_eid', 'mc_cid']

function dropped(name) {
  if (DROP.indexOf(name) !== -1) return true
  for (var i = 0; i < DROP_PREFIXES.length; i++) {
    if (name.indexOf(DROP_PREFIXES[i]) === 0) return true
  }
  return false
}

function handler(event) {
  var request = event.request
  var qs = request.querystring
  var values = {}
  var names = []
  for (var raw in qs) {
    // Tracking names are matched case-insensitively even when names are not lowercased.
    var name = LOWERCASE_NAMES ? raw.toLowerCase() : raw
    if (dropped(raw.toLowerCase())) continue
    var entry = qs[raw]
    var list = entry.multiValue ? entry.multiValue : [entry]
    if (!values[name]) {
      values[name] = []
      names.push(name)
    }
    for (var i = 0; i < list.length; i++) values[name].push({ value: list[i].value })
  }
  names.sort()
  var out = {}
  for (var j = 0; j < names.length; j++) {
    var v = values[names[j]]
    out[names[j]] = v.length === 1 ? { value: v[0].value } : { value: v[0].value, multiValue: v }
  }
  request.querystring = out
  return request
}
