// The origin a request goes to (spec §1.4, §7.5): the behavior's origin or origin group, as a
// viewer-request function may have changed it. selectRequestOriginById switches to another
// configured origin; updateRequestOrigin changes properties of the current origin (of a
// group, only the primary); createRequestOriginGroup builds an ad-hoc failover group.
// Selections apply in call order.
import type { CompiledDistribution, CompiledTarget } from '../config/compile.js'
import type { CustomOriginConfig, OriginConfig } from '../config/types.js'
import type { OriginSelection } from '../../functions/viewer/types.js'
import { failoverCodesProblem } from '../cloudfront/failover.js'

export interface ChosenOrigin {
  /** The origin to try first: the origin, or the primary of a group. */
  readonly origin: OriginConfig
  /** updateRequestOrigin({hostHeader}): the Host the origin receives. */
  readonly hostHeader: string | undefined
  /** The group `origin` is the primary of, when failing over is possible (§1.4). */
  readonly group: FailoverGroup | undefined
}

/** A configured OriginGroup, or an ad-hoc one from createRequestOriginGroup. */
export interface FailoverGroup {
  /** The OriginGroup Id, or `function:<primary>,<secondary>` for an ad-hoc group. */
  readonly id: string
  readonly secondary: OriginConfig
  readonly statusCodes: readonly number[]
}

/** A behavior's compiled target as a ChosenOrigin. */
export function targetOrigin(t: CompiledTarget): ChosenOrigin {
  if (t.kind === 'origin') return { origin: t.origin, hostHeader: undefined, group: undefined }
  const group = { id: t.group.id, secondary: t.secondary, statusCodes: t.group.failoverStatusCodes }
  return { origin: t.primary, hostHeader: undefined, group }
}

/** Applies the selections to `base`; a string result names what was wrong (→ 502). */
export function chooseOrigin(
  dist: CompiledDistribution,
  base: ChosenOrigin,
  selections: readonly OriginSelection[],
): ChosenOrigin | string {
  let chosen = base
  for (const s of selections) {
    switch (s.kind) {
      case 'select': {
        const origin = dist.origins.get(s.originId)
        if (origin === undefined) return noOrigin(s.originId)
        chosen = { origin, hostHeader: undefined, group: undefined }
        break
      }
      case 'group': {
        const group = adHocGroup(dist, s.originIds, s.statusCodes)
        if (typeof group === 'string') return group
        chosen = group
        break
      }
      case 'update': {
        // Of a group only the primary changes (§7.5); the secondary keeps its settings.
        const updated = updateOrigin(chosen.origin, s.props)
        if (typeof updated === 'string') return updated
        const host = s.props['hostHeader']
        chosen = {
          origin: updated,
          hostHeader: typeof host === 'string' ? host : chosen.hostHeader,
          group: chosen.group,
        }
        break
      }
    }
  }
  return chosen
}

/**
 * createRequestOriginGroup (§7.5): like a configured OriginGroup (§1.4), exactly two different
 * origins of the distribution, primary first, and failover codes from the allowed list.
 */
function adHocGroup(
  dist: CompiledDistribution,
  ids: readonly string[],
  statusCodes: readonly number[],
): ChosenOrigin | string {
  const [primaryId, secondaryId] = ids
  if (ids.length !== 2 || primaryId === undefined || secondaryId === undefined)
    return `createRequestOriginGroup needs exactly two originIds (primary, secondary), got ${String(ids.length)}`
  if (primaryId === secondaryId)
    return `createRequestOriginGroup: primary and secondary must be different origins (${JSON.stringify(primaryId)})`
  const primary = dist.origins.get(primaryId)
  if (primary === undefined) return noOrigin(primaryId)
  const secondary = dist.origins.get(secondaryId)
  if (secondary === undefined) return noOrigin(secondaryId)
  const problem = failoverCodesProblem(statusCodes)
  if (problem !== undefined) return `createRequestOriginGroup: ${problem}`
  const group = { id: `function:${primaryId},${secondaryId}`, secondary, statusCodes }
  return { origin: primary, hostHeader: undefined, group }
}

function noOrigin(id: string): string {
  return `no origin with Id ${JSON.stringify(id)} in the distribution`
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
