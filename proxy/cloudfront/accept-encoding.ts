// Accept-Encoding normalization for the cache key and the origin request (spec §3.3, §10):
// only `gzip` / `br` enabled in the cache policy survive, in the fixed order `br,gzip`;
// tokens with q=0 are ignored (§3.3 UNCONFIRMED recommendation); HTTP/1.0 drops the header.

export type NormalizedAcceptEncoding = 'br,gzip' | 'br' | 'gzip' | 'identity'

/** Which of gzip / br the viewer accepts (case-insensitive tokens, q=0 means "not acceptable"). */
export function acceptedEncodings(value: string | readonly string[]): {
  gzip: boolean
  br: boolean
} {
  const text = typeof value === 'string' ? value : value.join(',')
  let gzip = false
  let br = false
  for (const item of text.split(',')) {
    const semi = item.indexOf(';')
    const token = (semi === -1 ? item : item.slice(0, semi)).trim().toLowerCase()
    if (token !== 'gzip' && token !== 'br') continue
    if (semi !== -1 && qIsZero(item.slice(semi + 1))) continue
    if (token === 'gzip') gzip = true
    else br = true
  }
  return { gzip, br }
}

/** True when the parameters carry `q=0` (any of 0, 0., 0.0, 0.00, 0.000). */
function qIsZero(params: string): boolean {
  for (const p of params.split(';')) {
    const eq = p.indexOf('=')
    if (eq === -1 || p.slice(0, eq).trim().toLowerCase() !== 'q') continue
    return /^0(?:\.0{0,3})?$/.test(p.slice(eq + 1).trim())
  }
  return false
}

/**
 * The normalized Accept-Encoding (§3.3): undefined when the header is absent, both policy
 * flags are off, or the viewer spoke HTTP/1.0 (not in the key, not forwarded); `identity`
 * when the viewer offered neither enabled encoding (forwarded, but not part of the key).
 */
export function normalizeAcceptEncoding(
  value: string | string[] | undefined,
  gzip: boolean,
  br: boolean,
  httpVersion: string,
): NormalizedAcceptEncoding | undefined {
  if (value === undefined || (!gzip && !br) || httpVersion === '1.0') return undefined
  const offered = acceptedEncodings(value)
  const g = gzip && offered.gzip
  const b = br && offered.br
  return g && b ? 'br,gzip' : b ? 'br' : g ? 'gzip' : 'identity'
}
