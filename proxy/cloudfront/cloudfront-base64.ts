// CloudFront's "URL-safe" base64 (spec §6.2): standard base64 with `+`→`-`, `=`→`_`, `/`→`~`.
// It is not RFC 4648 base64url. Used for the Policy and Signature of signed URLs and cookies.

const TO_CF: Readonly<Record<string, string>> = { '+': '-', '=': '_', '/': '~' }
const FROM_CF: Readonly<Record<string, string>> = { '-': '+', _: '=', '~': '/' }
const CF_ALPHABET = /^[A-Za-z0-9\-_~]*$/

export function encodeCloudFrontBase64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes)
    .toString('base64')
    .replace(/[+=/]/g, (c) => TO_CF[c] ?? c)
}

/** The bytes, or undefined when `s` has a character outside the alphabet or is not base64. */
export function decodeCloudFrontBase64(s: string): Buffer | undefined {
  if (s === '' || !CF_ALPHABET.test(s)) return undefined
  const standard = s.replace(/[-_~]/g, (c) => FROM_CF[c] ?? c)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard)) return undefined
  const bytes = Buffer.from(standard, 'base64')
  return bytes.length === 0 ? undefined : bytes
}
