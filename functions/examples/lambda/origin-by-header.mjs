// Lambda@Edge, origin-request: sends a request to another origin when it carries
// `x-origin-select: NAME` and ./origins.json names that origin ({ domainName, port, protocol,
// path? }); other requests keep the behavior's origin. The header must reach the origin
// request (an origin request policy that forwards it) — and, if responses differ per origin,
// be part of the cache key (a cache policy that includes it), or the cache would mix them.
// Config: LambdaFunctions: [{ Name: origin-by-header, CodeFile: …/origin-by-header.mjs, Runtime: nodejs20.x }]
// and LambdaFunctionAssociations: [{ EventType: origin-request, LambdaFunctionARN: origin-by-header }].
import { readFileSync } from 'node:fs'

const ORIGINS = JSON.parse(readFileSync(new URL('./origins.json', import.meta.url), 'utf8'))

export const handler = async (event) => {
  const request = event.Records[0].cf.request
  const name = request.headers['x-origin-select']?.[0]?.value
  const target = name === undefined ? undefined : ORIGINS[name]
  if (target === undefined) return request
  request.origin = {
    custom: {
      domainName: target.domainName,
      port: target.port,
      protocol: target.protocol ?? 'https',
      path: target.path ?? '',
      sslProtocols: ['TLSv1.2'],
      readTimeout: 30,
      keepaliveTimeout: 5,
      customHeaders: {},
    },
  }
  request.headers['host'] = [{ key: 'Host', value: target.domainName }]
  return request
}
