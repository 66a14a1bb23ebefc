// The one error registry (design.md §1 principle 5): every failure the proxy can answer with
// has a code, an HTTP status, the x-edge-detailed-result-type CloudFront logs for it (§11.8)
// and the cause sentence of its generated error page (§9.4).

export const ERRORS = {
  CONFIG_INVALID: {
    status: 500,
    detail: 'Error',
    cause: 'The distribution configuration is invalid.',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    detail: 'InvalidRequestHeader',
    cause: 'Bad request. The request headers or URL are too large.',
  },
  URL_TOO_LONG: {
    status: 413,
    detail: 'InvalidRequest',
    cause: 'Bad request. The request URL is too long.',
  },
  BAD_REQUEST: { status: 400, detail: 'InvalidRequest', cause: 'Bad request.' },
  // §11.6; also for methods CloudFront does not know (TRACE, CONNECT: UNCONFIRMED, 403).
  METHOD_NOT_ALLOWED: {
    status: 403,
    detail: 'InvalidRequestMethod',
    cause:
      'This distribution is not configured to allow the HTTP request method that was used for this request. The distribution supports only cachable requests.',
  },
  GET_WITH_BODY: {
    status: 403,
    detail: 'InvalidRequest',
    cause: 'Bad request. A GET request cannot carry a body.',
  },
  HTTPS_REQUIRED: {
    status: 403,
    detail: 'InvalidRequest',
    cause: 'This distribution only accepts HTTPS requests.',
  },
  // UNCONFIRMED (§0 step 2): real CloudFront answers a disabled distribution with a 403 page.
  DISTRIBUTION_DISABLED: {
    status: 403,
    detail: 'InvalidRequest',
    cause: 'The distribution is disabled and accepts no requests.',
  },
  // §6.6 signed URL / cookie failures: the cause is the <Message> of the XML body (synth.ts).
  SIGNATURE_REQUIRED: {
    status: 403,
    detail: 'Error',
    cause: 'Missing Key-Pair-Id query parameter or cookie value',
  },
  // §11.10: the viewer's country is refused by Restrictions.GeoRestriction.
  GEO_BLOCKED: {
    status: 403,
    detail: 'ClientGeoBlocked',
    cause: 'The Amazon CloudFront distribution is configured to block access from your country.',
  },
  // JWT authorizer (local extension, auth/jwt.ts): RFC 6750 statuses, never cached.
  JWT_MISSING: {
    status: 401,
    detail: 'Error',
    cause: 'This resource requires a bearer token (JWT) and the request carries none.',
  },
  JWT_INVALID: {
    status: 401,
    detail: 'Error',
    cause: 'The bearer token (JWT) of the request could not be verified.',
  },
  JWT_INSUFFICIENT_SCOPE: {
    status: 403,
    detail: 'Error',
    cause: 'The bearer token (JWT) does not grant access to this resource.',
  },
  JWKS_UNAVAILABLE: {
    status: 503,
    detail: 'Error',
    cause: 'The keys needed to verify the request\u2019s token could not be loaded.',
  },
  SIGNATURE_UNKNOWN_KEY: { status: 403, detail: 'Error', cause: 'Unknown Key' },
  // UNCONFIRMED texts (§6.6): malformed policy, bad signature, failed condition.
  SIGNATURE_MALFORMED: { status: 403, detail: 'Error', cause: 'Access denied' },
  SIGNATURE_INVALID: { status: 403, detail: 'Error', cause: 'Access denied' },
  SIGNATURE_DENIED: { status: 403, detail: 'Error', cause: 'Access denied' },
  ORIGIN_CONNECT: {
    status: 502,
    detail: 'OriginConnectError',
    cause: 'CloudFront wasn\u2019t able to connect to the origin.',
  },
  ORIGIN_DNS: {
    status: 502,
    detail: 'OriginDnsError',
    cause: 'CloudFront wasn\u2019t able to resolve the origin domain name.',
  },
  ORIGIN_INVALID_RESPONSE: {
    status: 502,
    detail: 'OriginInvalidResponseError',
    cause: 'CloudFront received an invalid response from the origin.',
  },
  // §11.9: status UNCONFIRMED, 502 recommended.
  ORIGIN_HEADER_TOO_BIG: {
    status: 502,
    detail: 'OriginHeaderTooBigError',
    cause: 'The origin response headers are too large.',
  },
  ORIGIN_TIMEOUT: {
    status: 504,
    detail: 'OriginReadError',
    cause:
      'We can\u2019t connect to the server for this app or website at this time. There might be too much traffic or a configuration error.',
  },
  ORIGIN_CONNECT_TIMEOUT: {
    status: 504,
    detail: 'OriginConnectError',
    cause:
      'We can\u2019t connect to the server for this app or website at this time. There might be too much traffic or a configuration error.',
  },
  FUNCTION_EXECUTION_ERROR: {
    status: 503,
    detail: 'FunctionExecutionError',
    cause: 'The CloudFront function associated with the CloudFront distribution failed to run.',
  },
  FUNCTION_INVALID_RESULT: {
    status: 502,
    detail: 'FunctionValidationError',
    cause: 'The CloudFront function returned an invalid value to CloudFront.',
  },
  // §8.6 Lambda@Edge. The page's cause names the validation failure, as CloudFront's does
  // ("The Lambda function result failed validation: …"); the 503 texts are UNCONFIRMED.
  LAMBDA_VALIDATION_ERROR: {
    status: 502,
    detail: 'LambdaValidationError',
    cause: 'The Lambda function result failed validation.',
  },
  LAMBDA_EXECUTION_ERROR: {
    status: 503,
    detail: 'LambdaExecutionError',
    cause: 'The Lambda function associated with the CloudFront distribution failed to run.',
  },
  LAMBDA_LIMIT_EXCEEDED: {
    status: 503,
    detail: 'LambdaLimitExceeded',
    cause:
      'The Lambda function associated with the CloudFront distribution exceeded its time limit or was throttled.',
  },
  INTERNAL: { status: 500, detail: 'Error', cause: 'An internal error occurred in the proxy.' },
} as const satisfies Record<string, { status: number; detail: string; cause: string }>

export type ErrorCode = keyof typeof ERRORS

/** A failure the pipeline answers with a CloudFront-style generated response. */
export class EdgeError extends Error {
  readonly code: ErrorCode
  readonly status: number
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].cause, options)
    this.name = 'EdgeError'
    this.code = code
    this.status = ERRORS[code].status
  }
}

/** A configuration problem a user must fix: reported with paths, never as a stack trace. */
export class ConfigError extends Error {
  readonly problems: readonly { path: string; message: string; value?: unknown }[]
  constructor(problems: readonly { path: string; message: string; value?: unknown }[]) {
    super(`invalid configuration: ${String(problems.length)} problem(s)`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}
