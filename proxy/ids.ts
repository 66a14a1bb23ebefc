// Request ids (spec §9.1 X-Amz-Cf-Id): 40 random bytes in URL-safe base64, 56 characters
// ending in `==`. Random bytes are drawn and encoded in batches, so a request costs one
// slice of a string and one table lookup: the first 39 bytes of an id are 52 characters of
// the batch's text (39 is a multiple of 3, so ids never share a character), and its 40th
// byte is one of 256 precomputed endings (two characters and the padding).
import { randomFillSync } from 'node:crypto'

const PER_BATCH = 256
const HEAD_BYTES = 39
const HEAD_CHARS = 52
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** base64url of one byte, padded as CloudFront pads it. */
const ENDINGS = Array.from(
  { length: 256 },
  (_, b) => `${ALPHABET[b >> 2]!}${ALPHABET[(b & 3) << 4]!}==`,
)

const pool = Buffer.alloc(PER_BATCH * (HEAD_BYTES + 1))
let text = ''
let next = PER_BATCH

export function newRequestId(): string {
  if (next === PER_BATCH) {
    randomFillSync(pool)
    text = pool.toString('base64url', 0, PER_BATCH * HEAD_BYTES)
    next = 0
  }
  const i = next++
  const at = i * HEAD_CHARS
  return text.slice(at, at + HEAD_CHARS) + ENDINGS[pool[PER_BATCH * HEAD_BYTES + i]!]!
}
