// Request ids (spec §9.1 X-Amz-Cf-Id): 40 random bytes in URL-safe base64, 56 characters
// ending in `==`. Random bytes are drawn and encoded in batches: the first 39 bytes of an id are
// 52 characters of the batch's base64url text (39 is a multiple of 3, so ids never share a
// character), and its 40th byte is one of 256 precomputed endings (two characters and the
// padding). The batch's ids are laid out as one flat string, so a request costs one slice of
// it, and the id is flat: written (response head, access line) without being joined first.
import { randomFillSync } from 'node:crypto'

const PER_BATCH = 256
const HEAD_BYTES = 39
const HEAD_CHARS = 52
const ID_CHARS = HEAD_CHARS + 4
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** base64url of one byte, padded as CloudFront pads it: four characters, read as one 32-bit
 * word (in the machine's byte order, as the words below are written). */
const ENDINGS = words(
  Buffer.from(
    Array.from({ length: 256 }, (_, b) => `${ALPHABET[b >> 2]!}${ALPHABET[(b & 3) << 4]!}==`).join(
      '',
    ),
    'latin1',
  ),
)

const pool = Buffer.alloc(PER_BATCH * (HEAD_BYTES + 1))
/** The batch's heads as text, then its ids laid out: as 32-bit words to copy, and as bytes. */
const headWords = new Uint32Array((PER_BATCH * HEAD_CHARS) / 4)
const heads = Buffer.from(headWords.buffer)
const laidWords = new Uint32Array((PER_BATCH * ID_CHARS) / 4)
const laid = Buffer.from(laidWords.buffer)
let text = ''
let next = PER_BATCH

export function newRequestId(): string {
  if (next === PER_BATCH) {
    randomFillSync(pool)
    heads.write(pool.toString('base64url', 0, PER_BATCH * HEAD_BYTES), 'latin1')
    for (let i = 0, h = 0, w = 0; i < PER_BATCH; i++) {
      for (let k = 0; k < HEAD_CHARS / 4; k++) laidWords[w++] = headWords[h++]!
      laidWords[w++] = ENDINGS[pool[PER_BATCH * HEAD_BYTES + i]!]!
    }
    text = laid.toString('latin1')
    next = 0
  }
  const at = next++ * ID_CHARS
  return text.slice(at, at + ID_CHARS)
}

/** A copy of `bytes` (a multiple of 4 long) as 32-bit words. */
function words(bytes: Buffer): Uint32Array {
  const aligned = new Uint8Array(bytes.length)
  aligned.set(bytes)
  return new Uint32Array(aligned.buffer)
}
