// A compiled custom origin (proxy/config/types.ts) with the defaults the config compiler gives
// (spec §1.3): for unit tests that need an origin without loading a config.
import type { CustomOriginConfig } from '../../proxy/config/types.js'

export function customOrigin(
  id: string,
  domainName: string,
  overrideUrl?: string,
): CustomOriginConfig {
  return {
    kind: 'custom',
    id,
    domainName,
    originPath: '',
    customHeaders: [],
    httpPort: 80,
    httpsPort: 443,
    protocolPolicy: 'http-only',
    connectionTimeoutS: 10,
    connectionAttempts: 3,
    readTimeoutS: 30,
    keepaliveTimeoutS: 5,
    responseCompletionTimeoutS: undefined,
    overrideUrl,
  }
}
