"""lambda_redirect_by_country.py: Lambda@Edge (Python) viewer-request handler.

Event:   viewer-request (Records[0].cf, spec/cloudfront.md §8.2).
What:    reads CloudFront-Viewer-Country (or, for trying it out, an `x-country` header) and,
         for a country in COUNTRY_PREFIX, answers 302 Found to the same path and query under
         that prefix: a German viewer asking for /shop?x=1 goes to /de/shop?x=1. Paths already
         under a prefix, other countries, a missing header and methods other than GET/HEAD
         pass unchanged (the request is returned).
Use:     LambdaFunctionAssociations: [{ EventType: viewer-request, LambdaFunctionARN: ... }]
         with Runtime python3.12 and Handler lambda_redirect_by_country.handler. The behavior's
         policy must forward CloudFront-Viewer-Country for CloudFront to add it.
"""

COUNTRY_PREFIX = {"DE": "/de", "AT": "/de", "FR": "/fr", "BE": "/fr"}


def header(headers, name):
    values = headers.get(name)
    return values[0]["value"] if values else None


def under_prefix(uri):
    return any(uri == p or uri.startswith(p + "/") for p in set(COUNTRY_PREFIX.values()))


def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    if request["method"] not in ("GET", "HEAD") or under_prefix(request["uri"]):
        return request
    headers = request["headers"]
    country = header(headers, "cloudfront-viewer-country") or header(headers, "x-country")
    prefix = COUNTRY_PREFIX.get((country or "").upper())
    if prefix is None:
        return request
    location = prefix + request["uri"]
    if request.get("querystring"):
        location += "?" + request["querystring"]
    return {
        "status": "302",
        "statusDescription": "Found",
        "headers": {
            "location": [{"key": "Location", "value": location}],
            "cache-control": [{"key": "Cache-Control", "value": "private, max-age=0"}],
        },
    }
