// The origin in Lambda@Edge origin events (spec §8.2): a configured origin shown as
// `origin.custom` (or `origin.s3` for a LocalDirectory origin), and an origin a handler
// returned turned back into one the origin client can use (§8.2: it may be any host; locally
// an IP address or localhost too).
import type { CfOrigin } from '../../functions/edge/event.js'
import type { ReturnedOrigin } from '../../functions/edge/result.js'
import type { CustomOriginConfig, OriginConfig } from '../config/types.js'
import type { HeaderRecord } from '../http-types.js'
import type { Exchange } from './exchange.js'

/**
 * What origin-request and origin-response events share (§8.2): the distribution and request
 * ids, the viewer's IP, the request headers as sent to the origin — without the origin's
 * custom headers, which the event shows in `origin` instead — and the origin.
 */
export function originEventBase(ex: Exchange, origin: OriginConfig, sent: HeaderRecord) {
  const custom = new Set(origin.customHeaders.map((h) => h.name.toLowerCase()))
  return {
    distributionDomainName: ex.dist.distributionDomain,
    distributionId: ex.dist.distributionId,
    requestId: ex.id,
    clientIp: ex.viewer.clientIp,
    headers: Object.fromEntries(Object.entries(sent).filter(([name]) => !custom.has(name))),
    origin: cfOrigin(origin, ex.viewer.scheme),
  }
}

export function cfOrigin(origin: OriginConfig, scheme: 'http' | 'https'): CfOrigin {
  const customHeaders: Record<string, { key: string; value: string }[]> = {}
  for (const h of origin.customHeaders) {
    const name = h.name.toLowerCase()
    ;(customHeaders[name] ??= []).push({ key: h.name, value: h.value })
  }
  if (origin.kind === 'local') {
    return {
      s3: {
        authMethod: 'none',
        customHeaders,
        domainName: `${origin.id.toLowerCase()}.local`,
        path: origin.originPath,
        region: 'us-east-1',
      },
    }
  }
  const protocol =
    origin.protocolPolicy === 'http-only'
      ? 'http'
      : origin.protocolPolicy === 'https-only'
        ? 'https'
        : scheme
  return {
    custom: {
      customHeaders,
      domainName: origin.domainName,
      keepaliveTimeout: origin.keepaliveTimeoutS,
      path: origin.originPath,
      port: protocol === 'http' ? origin.httpPort : origin.httpsPort,
      protocol,
      readTimeout: origin.readTimeoutS,
      sslProtocols: ['TLSv1.2'],
    },
  }
}

/** The returned origin as a custom origin; `base` lends what the event does not carry. */
export function returnedOriginConfig(r: ReturnedOrigin, base: OriginConfig): CustomOriginConfig {
  const custom = base.kind === 'custom' ? base : undefined
  return {
    kind: 'custom',
    id: base.id,
    domainName: r.domainName,
    originPath: r.path,
    customHeaders: r.customHeaders,
    httpPort: r.protocol === 'http' ? r.port : 80,
    httpsPort: r.protocol === 'https' ? r.port : 443,
    protocolPolicy: r.protocol === 'https' ? 'https-only' : 'http-only',
    connectionTimeoutS: custom?.connectionTimeoutS ?? 10,
    connectionAttempts: custom?.connectionAttempts ?? 3,
    readTimeoutS: r.readTimeoutS ?? custom?.readTimeoutS ?? 30,
    keepaliveTimeoutS: r.keepaliveTimeoutS ?? custom?.keepaliveTimeoutS ?? 5,
    responseCompletionTimeoutS: custom?.responseCompletionTimeoutS,
    // --origin ID=URL still applies while the handler kept the configured host.
    overrideUrl: sameDestination(custom, r) ? custom?.overrideUrl : undefined,
  }
}

function sameDestination(c: CustomOriginConfig | undefined, r: ReturnedOrigin): boolean {
  if (c === undefined || c.domainName !== r.domainName) return false
  return (r.protocol === 'http' ? c.httpPort : c.httpsPort) === r.port
}
