// Request ids (spec §9.1 X-Amz-Cf-Id): 40 random bytes in URL-safe base64, 56 characters
// ending in `==`. Random bytes are drawn in batches so a request costs one slice.
import { randomFillSync } from 'node:crypto'

const BATCH = 40 * 256
const pool = Buffer.alloc(BATCH)
let offset = BATCH

export function newRequestId(): string {
  if (offset === BATCH) {
    randomFillSync(pool)
    offset = 0
  }
  // base64url has CloudFront's alphabet (`-_`); 40 bytes leave two padding characters.
  const id = pool.toString('base64url', offset, offset + 40) + '=='
  offset += 40
  return id
}
