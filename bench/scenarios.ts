// The benchmark scenario table: one row per measured workload; later issues add rows here.
// A row names the server it drives and the path it requests (bench/README.md, "Scenarios").
// The row named BASELINE is the reference every other row's ratio divides by.
import { signedHitPath } from './signing.js'

/** Which child process a scenario sends its load to. */
export type Target = 'baseline' | 'proxy'

export interface Scenario {
  /** Unique name, used by `--only` and in the report. */
  readonly name: string
  readonly target: Target
  /** Request path (all requests are GET to this one URL). */
  readonly path: string
  /** What the row measures, printed under the table. */
  readonly note: string
}

export const BASELINE = 'baseline'

export const scenarios: readonly Scenario[] = [
  {
    name: BASELINE,
    target: 'baseline',
    path: '/',
    note: 'bare node:http, same headers and body as the origin (the reference)',
  },
  {
    name: 'proxy-miss',
    target: 'proxy',
    path: '/miss/x',
    note: 'proxy, /miss/* uses CachingDisabled: every request is forwarded to the origin',
  },
  {
    name: 'proxy-miss-lambda',
    target: 'proxy',
    path: '/miss-lambda/x',
    note: 'proxy, the same miss with a Node.js origin-request Lambda@Edge that adds a header',
  },
  {
    name: 'proxy-hit',
    target: 'proxy',
    path: '/hit',
    note: 'proxy, CachingOptimized: a cache hit (the probe column shows X-Cache)',
  },
  {
    name: 'proxy-hit-signed',
    target: 'proxy',
    path: signedHitPath(),
    note: 'proxy, the same hit on /signed/*: a custom-policy signed URL verified per request (§6)',
  },
  {
    name: 'proxy-hit-fn',
    target: 'proxy',
    path: '/fn/app.js',
    note: 'proxy, the same hit with the spa-rewrite CloudFront Function on viewer-request',
  },
]
