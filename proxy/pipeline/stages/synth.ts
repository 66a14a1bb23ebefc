// synth — responses CloudFront generates itself (spec §9.4, §11.5): the HTML error page for
// 403/413/502/504…, and the HTTP→HTTPS redirect. Any origin body still open is released.
// Exits: errorPage when the distribution has a custom error response for the status, else
// deliver.
import { errorPageHeaders, errorPageHtml } from '../../cloudfront/error-page.js'
import { ERRORS, type ErrorCode } from '../../errors.js'
import type { Exchange } from '../exchange.js'
import type { SynthSpec, Transition } from '../states.js'
import { discardBody } from '../../origin/discard.js'

/** §6.6: the XML <Code> of each signed URL failure (the <Message> is the registry's cause). */
const XML_ERRORS: Partial<Record<ErrorCode, string>> = {
  SIGNATURE_REQUIRED: 'MissingKey',
  SIGNATURE_UNKNOWN_KEY: 'AccessDenied', // UNCONFIRMED code (§6.6 step 3)
  SIGNATURE_MALFORMED: 'AccessDenied',
  SIGNATURE_INVALID: 'AccessDenied',
  SIGNATURE_DENIED: 'AccessDenied',
}

export function synth(ex: Exchange, spec: SynthSpec): Transition {
  discardBody(ex.response?.body)

  if (spec.kind === 'redirect') {
    ex.resultType = 'Redirect'
    ex.response = {
      status: spec.status,
      headers: { location: spec.location, 'content-length': '0', server: 'CloudFront' },
      body: null,
    }
    return { to: 'deliver' }
  }

  const def = ERRORS[spec.code]
  const xml = XML_ERRORS[spec.code]
  // §6.6: signature failures are S3-style XML; every other CloudFront error is the HTML page.
  const body =
    xml !== undefined
      ? Buffer.from(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xml}</Code><Message>${def.cause}</Message></Error>`,
        )
      : Buffer.from(errorPageHtml(def.status, spec.detail ?? def.cause, ex.id), 'latin1')
  const headers = errorPageHeaders(body.length)
  if (xml !== undefined) headers['content-type'] = 'text/xml'
  if (spec.headers !== undefined) Object.assign(headers, spec.headers)
  // §11.9: an oversized request is answered and the connection closed.
  if (def.status === 413) headers['connection'] = 'close'
  ex.resultType = 'Error'
  ex.detailedResult = def.detail
  ex.response = { status: def.status, headers, body }
  const custom = ex.dist.errorPages.has(def.status)
  return custom && def.status !== 413 ? { to: 'errorPage' } : { to: 'deliver' }
}
