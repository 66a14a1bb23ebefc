// Viewer protocol policy and allowed methods (spec §11.5, §11.6): what happens to a request
// before any function runs — pass, redirect to HTTPS (301/307), or refuse with 403.
import type { HttpMethod, ViewerProtocolPolicy } from '../config/types.js'
import { HTTP_METHODS } from '../config/types.js'

export type ProtocolDecision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'redirect'; readonly status: 301 | 307 }
  | { readonly kind: 'refuse' }

export function decideViewerProtocol(
  policy: ViewerProtocolPolicy,
  scheme: 'http' | 'https',
  method: string,
  httpVersion: string,
): ProtocolDecision {
  if (scheme === 'https' || policy === 'allow-all') return PASS
  if (policy === 'https-only') return REFUSE
  if (method === 'GET' || method === 'HEAD') return REDIRECT_301
  // Other methods are re-sent by the client on 307; HTTP/1.0 clients do not know 307.
  return httpVersion === '1.0' ? REFUSE : REDIRECT_307
}

const PASS: ProtocolDecision = { kind: 'pass' }
const REFUSE: ProtocolDecision = { kind: 'refuse' }
const REDIRECT_301: ProtocolDecision = { kind: 'redirect', status: 301 }
const REDIRECT_307: ProtocolDecision = { kind: 'redirect', status: 307 }

/** The `Location` of the HTTPS redirect: the viewer's host (port mapped), path and query. */
export function httpsLocation(host: string, url: string, httpsPort: number | undefined): string {
  return `https://${mapPort(host, httpsPort)}${url}`
}

function mapPort(host: string, httpsPort: number | undefined): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(host)
  const name = m?.[1] ?? host
  if (httpsPort === undefined || httpsPort === 443) return name
  return `${name}:${String(httpsPort)}`
}

const KNOWN_METHODS: ReadonlySet<string> = new Set(HTTP_METHODS)

export function isKnownMethod(method: string): method is HttpMethod {
  return KNOWN_METHODS.has(method)
}
