// The benchmark scenario table: one row per measured workload; later issues add rows here.
// A row names the server it drives and the path it requests (bench/README.md, "Scenarios").
// The row named BASELINE is the reference every other row's ratio divides by.
import { signedHitPath } from './signing.js'

/**
 * Which child process a scenario sends its load to: the bare baseline, the same server under
 * node:cluster, the naive undici proxy, the edgeproxy started plain, with `--workers 2` and
 * with the fast hit path off (EDGEPROXY_FAST_HITS=0), or Varnish in front of the same origin
 * (bench/servers.ts).
 */
export type Target =
  | 'baseline'
  | 'cluster-baseline'
  | 'naive-proxy'
  | 'proxy'
  | 'proxy-workers'
  | 'proxy-node'
  | 'proxy-log'
  | 'varnish'

export interface Scenario {
  /** Unique name, used by `--only` and in the report. */
  readonly name: string
  readonly target: Target
  /** Request path (all requests are GET to this one URL). */
  readonly path: string
  /** Extra request headers, sent by the load generator and by the probe. */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * What the probe after the warm-up must see besides status 200: by default a 1024-byte body
   * without Content-Encoding; `bytes` changes the size, `encoded` asks for a Content-Encoding
   * (the encoded size is then not checked).
   */
  readonly expect?: { readonly bytes?: number; readonly encoded?: boolean }
  /**
   * Measured with the server's processes on CPU 0 and the load generator (the runner, and the
   * wrk it starts) on CPU 1, as perf-baseline.md compares servers "on the same core".
   */
  readonly pinned?: boolean
  /** What the row measures, printed under the table. */
  readonly note: string
}

export const BASELINE = 'baseline'

/** Accept-Encoding of the compressed rows, as a browser sends it. */
const GZIP_BR = { 'accept-encoding': 'gzip, br' }

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
    name: 'proxy-hit-node',
    target: 'proxy-node',
    path: '/hit',
    note: 'the same hit on a proxy started with EDGEPROXY_FAST_HITS=0: through node:http and the whole pipeline',
  },
  {
    name: 'proxy-hit-log',
    target: 'proxy-log',
    path: '/hit',
    note: 'the same hit on a proxy started with LOG_LEVEL=info: an access line per request (stdout to /dev/null)',
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
  {
    name: 'proxy-hit-gzip',
    target: 'proxy',
    path: '/gz/page.html',
    headers: GZIP_BR,
    expect: { encoded: true },
    note: 'proxy, hit of a 4 KB text/html object under Compress: true, viewer accepts gzip, br',
  },
  {
    name: 'proxy-hit-1mb',
    target: 'proxy',
    path: '/big/1mb.bin',
    expect: { bytes: 1024 * 1024 },
    note: 'proxy, hit of a 1 MiB object (its ratio divides by the 1 KB baseline)',
  },
  {
    name: 'proxy-hit-workers',
    target: 'proxy-workers',
    path: '/hit',
    note: 'a second proxy with --workers 2 (same config), the proxy-hit request',
  },
  {
    name: 'naive-proxy',
    target: 'naive-proxy',
    path: '/miss/x',
    note: 'naive undici streaming proxy without cache, same origin: the reference for the miss target',
  },
  {
    name: 'cluster-baseline',
    target: 'cluster-baseline',
    path: '/',
    note: 'the baseline server in 2 node:cluster workers: the reference for the workers target',
  },
  {
    name: 'varnish-hit',
    target: 'varnish',
    path: '/hit',
    note: 'Varnish (default VCL, malloc 256m) before the same origin, a hit, unpinned as perf-baseline.md measured it (needs varnishd)',
  },
  {
    name: 'varnish-hit-1core',
    target: 'varnish',
    path: '/hit',
    pinned: true,
    note: 'Varnish (default VCL, malloc 256m) before the same origin, a hit, on CPU 0 (needs varnishd)',
  },
  {
    name: 'proxy-hit-1core',
    target: 'proxy',
    path: '/hit',
    pinned: true,
    note: 'proxy-hit with the proxy on CPU 0 as Varnish is: the Varnish target compares these two',
  },
]
