"""lambda_origin_errors.py: Lambda@Edge (Python) origin-response handler.

Event:   origin-response (Records[0].cf, spec/cloudfront.md §8.2).
What:    adds security headers (HSTS, X-Content-Type-Options, X-Frame-Options,
         Referrer-Policy) to every origin response before it is cached, keeping any the origin
         already sent; and turns an origin 5xx into a 302 to ERROR_PAGE (cached for 10 s only),
         so viewers see a friendly page instead of a bare 502/503.
Use:     LambdaFunctionAssociations: [{ EventType: origin-response, LambdaFunctionARN: ... }]
         with Runtime python3.12 and Handler lambda_origin_errors.handler.
"""

ERROR_PAGE = "/errors/unavailable.html"

SECURITY_HEADERS = {
    "strict-transport-security": ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
    "x-frame-options": ("X-Frame-Options", "DENY"),
    "referrer-policy": ("Referrer-Policy", "strict-origin-when-cross-origin"),
}


def handler(event, context):
    cf = event["Records"][0]["cf"]
    response = cf["response"]
    status = int(response["status"])
    if status >= 500 and not cf["request"]["uri"].startswith("/errors/"):
        print("origin answered %d for %s: redirecting" % (status, cf["request"]["uri"]))
        return {
            "status": "302",
            "statusDescription": "Found",
            "headers": {
                "location": [{"key": "Location", "value": ERROR_PAGE}],
                "cache-control": [{"key": "Cache-Control", "value": "max-age=10"}],
            },
        }
    headers = response["headers"]
    for name, (key, value) in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = [{"key": key, "value": value}]
    return response
