// Starts the real proxy in-process on a free port from a config object written to a temp
// folder (so relative paths resolve as they would for a user), with logging silenced.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { startEdgeproxy, type Edgeproxy } from '../../proxy/main.js'

export interface ProxyOptions {
  /** Extra files to write next to the config (name → contents). */
  readonly files?: Readonly<Record<string, string | Buffer>>
  readonly originOverrides?: ReadonlyMap<string, string>
  /** A logger to capture lines with (default: silent). */
  readonly logger?: Logger
}

export async function startProxy(config: unknown, options: ProxyOptions = {}): Promise<Edgeproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-test-'))
  for (const [name, contents] of Object.entries(options.files ?? {})) {
    writeFileSync(join(dir, name), contents)
  }
  const file = join(dir, 'distribution.json')
  writeFileSync(file, JSON.stringify(config, null, 2))
  return startEdgeproxy({
    configFile: file,
    port: 0,
    adminPort: 0,
    host: '127.0.0.1',
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.originOverrides ? { originOverrides: options.originOverrides } : {}),
  })
}

/** A custom origin entry pointing at a loopback test origin. */
export function customOrigin(
  id: string,
  port: number,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    Id: id,
    DomainName: '127.0.0.1',
    CustomOriginConfig: { HTTPPort: port, OriginProtocolPolicy: 'http-only', ...extra },
  }
}

/**
 * A behavior with the given pattern and target: every method allowed, nothing cached and every
 * viewer header, cookie and query string forwarded (a common API setup), unless overridden.
 */
export function behavior(
  pathPattern: string | undefined,
  target: string,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    ...(pathPattern === undefined ? {} : { PathPattern: pathPattern }),
    TargetOriginId: target,
    ViewerProtocolPolicy: 'allow-all',
    AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
    OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
    ...extra,
  }
}

/** Managed-CachingOptimized. */
export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

/** A distribution caching everything from one test origin: CachingOptimized, GET and HEAD. */
export function cachingDistribution(originPort: number): Record<string, unknown> {
  return {
    DistributionConfig: {
      Origins: [customOrigin('o', originPort)],
      DefaultCacheBehavior: behavior(undefined, 'o', {
        CachePolicyId: CACHING_OPTIMIZED,
        OriginRequestPolicyId: '',
        AllowedMethods: ['GET', 'HEAD'],
      }),
    },
  }
}
