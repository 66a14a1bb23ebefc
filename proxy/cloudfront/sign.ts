// Making signed URLs and cookies (spec §6.2–§6.5; design.md §3 `edgeproxy sign`): what the
// AWS SDK's cloudfront-signer does, for the CLI, tests and the bench. Canned policy from the
// URL and an expiry, or a custom policy (JSON); SHA-1 by default, SHA-256 on request.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { encodeCloudFrontBase64 } from './cloudfront-base64.js'
import { cannedPolicy, parsePolicy } from './signed-policy.js'

export type HashAlgorithm = 'SHA1' | 'SHA256'

export interface SignOptions {
  /** The URL as the viewer will request it (percent-encoded, with any app query). */
  readonly url: string
  readonly keyPairId: string
  /** A PEM private key (RSA or EC) or a KeyObject. */
  readonly privateKey: KeyObject | string
  readonly hashAlgorithm?: HashAlgorithm
  /** Canned policy: expiry in epoch seconds. */
  readonly expires?: number
  /** Custom policy: its JSON text (compacted before signing). */
  readonly policy?: string
}

export class SignError extends Error {}

/** The signing values in the SDK's order: Expires|Policy, Key-Pair-Id, Signature, Hash-Algorithm. */
export function signingAttributes(o: SignOptions): [string, string][] {
  const key = typeof o.privateKey === 'string' ? privateKeyOf(o.privateKey) : o.privateKey
  const alg = o.hashAlgorithm ?? 'SHA1'
  let policy: string
  let first: [string, string]
  if ((o.expires === undefined) === (o.policy === undefined)) {
    throw new SignError('give exactly one of an expiry (canned policy) or a policy (custom)')
  }
  if (o.policy !== undefined) {
    let doc: unknown
    try {
      doc = JSON.parse(o.policy)
    } catch (err) {
      throw new SignError(`the policy is not valid JSON: ${(err as Error).message}`)
    }
    policy = JSON.stringify(doc)
    const parsed = parsePolicy(policy)
    if (typeof parsed === 'string') throw new SignError(`invalid policy: ${parsed}`)
    first = ['Policy', encodeCloudFrontBase64(policy)]
  } else {
    const expires = o.expires ?? 0
    if (!Number.isInteger(expires) || expires <= 0) {
      throw new SignError('the expiry must be whole epoch seconds')
    }
    policy = cannedPolicy(o.url, expires)
    first = ['Expires', String(expires)]
  }
  const signature = sign(alg === 'SHA256' ? 'sha256' : 'sha1', Buffer.from(policy), key)
  const out: [string, string][] = [
    first,
    ['Key-Pair-Id', o.keyPairId],
    ['Signature', encodeCloudFrontBase64(signature)],
  ]
  if (alg === 'SHA256') out.push(['Hash-Algorithm', 'SHA256'])
  return out
}

/** The URL with the signing parameters appended. */
export function signUrl(o: SignOptions): string {
  const params = signingAttributes(o)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')
  return `${o.url}${o.url.includes('?') ? '&' : '?'}${params}`
}

/** The signed cookies, name → value (`CloudFront-` + the parameter name). */
export function signCookies(o: SignOptions): Record<string, string> {
  return Object.fromEntries(signingAttributes(o).map(([k, v]) => [`CloudFront-${k}`, v]))
}

function privateKeyOf(pem: string): KeyObject {
  try {
    return createPrivateKey(pem)
  } catch (err) {
    throw new SignError(`cannot read the private key: ${(err as Error).message}`)
  }
}
