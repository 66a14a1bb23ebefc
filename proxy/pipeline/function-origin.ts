// The origin a viewer-request function chose (spec §7.5): selectRequestOriginById switches to
// another configured origin; updateRequestOrigin changes properties of the behavior's origin
// (unspecified ones inherit); createRequestOriginGroup builds an ad-hoc failover group, whose
// primary is used until origin failover lands. Selections apply in call order.
import type { CompiledDistribution } from '../config/compile.js'
import type { CustomOriginConfig, OriginConfig } from '../config/types.js'
import type { OriginSelection } from '../../functions/viewer/types.js'

export interface ChosenOrigin {
  readonly origin: OriginConfig
  /** updateRequestOrigin({hostHeader}): the Host the origin receives. */
  readonly hostHeader: string | undefined
}

/** Applies the selections to `base`; a string result names what was wrong (→ 502). */
export function chooseOrigin(
  dist: CompiledDistribution,
  base: OriginConfig,
  selections: readonly OriginSelection[],
): ChosenOrigin | string {
  let chosen: ChosenOrigin = { origin: base, hostHeader: undefined }
  for (const s of selections) {
    switch (s.kind) {
      case 'select':
      case 'group': {
        const id = s.kind === 'select' ? s.originId : s.originIds[0]
        const origin = id === undefined ? undefined : dist.origins.get(id)
        if (origin === undefined)
          return `no origin with Id ${JSON.stringify(id)} in the distribution`
        chosen = { origin, hostHeader: undefined }
        break
      }
      case 'update': {
        const updated = updateOrigin(chosen.origin, s.props)
        if (typeof updated === 'string') return updated
        const host = s.props['hostHeader']
        chosen = {
          origin: updated,
          hostHeader: typeof host === 'string' ? host : chosen.hostHeader,
        }
        break
      }
    }
  }
  return chosen
}

function updateOrigin(
  base: OriginConfig,
  p: Readonly<Record<string, unknown>>,
): CustomOriginConfig | string {
  const custom = base.kind === 'custom' ? base : undefined
  const domainName = str(p['domainName']) ?? custom?.domainName
  if (domainName === undefined)
    return 'updateRequestOrigin needs a domainName for a LocalDirectory origin'
  const coc = record(p['customOriginConfig'])
  const timeouts = record(p['timeouts'])
  const protocol = str(coc?.['protocol'])
  const port = num(coc?.['port'])
  const headers = record(p['customHeaders'])
  return {
    kind: 'custom',
    id: base.id,
    domainName,
    originPath: str(p['originPath']) ?? base.originPath,
    customHeaders: headers
      ? Object.entries(headers).map(([name, value]) => ({ name, value: String(value) }))
      : base.customHeaders,
    httpPort: protocol !== 'https' && port !== undefined ? port : (custom?.httpPort ?? 80),
    httpsPort: protocol === 'https' && port !== undefined ? port : (custom?.httpsPort ?? 443),
    protocolPolicy:
      protocol === 'https'
        ? 'https-only'
        : protocol === 'http'
          ? 'http-only'
          : (custom?.protocolPolicy ?? 'https-only'),
    connectionTimeoutS: num(timeouts?.['connectionTimeout']) ?? custom?.connectionTimeoutS ?? 10,
    connectionAttempts: num(p['connectionAttempts']) ?? custom?.connectionAttempts ?? 3,
    readTimeoutS: num(timeouts?.['readTimeout']) ?? custom?.readTimeoutS ?? 30,
    keepaliveTimeoutS: num(timeouts?.['keepAliveTimeout']) ?? custom?.keepaliveTimeoutS ?? 5,
    responseCompletionTimeoutS:
      num(timeouts?.['responseCompletionTimeout']) ?? custom?.responseCompletionTimeoutS,
    // A new domain name is a new destination: the --origin override no longer applies.
    overrideUrl: str(p['domainName']) === undefined ? custom?.overrideUrl : undefined,
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}
function record(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined
}
