// Regression: decideCaching spread the whole cache policy into computeTtl's input, so the
// policy's own `headers` setting replaced the origin response headers and every response got
// DefaultTTL. Callers pass a full CachePolicy; the origin's Cache-Control must still decide.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decideCaching } from '../../proxy/cloudfront/cacheability.js'
import { managedCachePolicy } from '../../proxy/cloudfront/managed-policies.js'

it('a full CachePolicy object does not hide the origin Cache-Control (max-age=1 → TTL 1)', () => {
  const policy = managedCachePolicy('Managed-CachingOptimized')
  assert.ok(policy)
  const d = decideCaching({
    method: 'GET',
    status: 200,
    headers: { 'cache-control': 'max-age=1' },
    nowMs: 1_700_000_000_000,
    policy,
    cachedMethods: new Set(['GET', 'HEAD']),
    errorCachingMinTtl: undefined,
    cachingDisabled: false,
  })
  if (!d.store) assert.fail(`not stored: ${d.reason}`)
  assert.equal(d.ttlSeconds, 1)
})
