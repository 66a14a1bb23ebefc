// Signed URL / signed cookie verification (spec §6.6): mode, Key-Pair-Id, trusted key, policy,
// signature (§6.5: RSA PKCS#1 v1.5 or ECDSA, SHA-1 or SHA-256), then the conditions. Keys are
// KeyObjects imported once at config load; verified (key, algorithm, signature, policy) tuples
// are remembered in a small bounded map, so a repeated URL costs no public-key operation. Time
// and IP conditions are checked on every request.
import { verify, type KeyObject } from 'node:crypto'
import { decodeCloudFrontBase64 } from './cloudfront-base64.js'
import {
  cannedPolicy,
  checkConditions,
  parsePolicy,
  requestUrlString,
  type ConditionFailure,
  type RequestUrl,
  type SignedPolicy,
} from './signed-policy.js'
import { signingValues, splitSignedQuery } from './signed-request.js'

export interface SignedRequest {
  readonly scheme: string
  readonly host: string
  readonly path: string
  /** The raw query as received, without `?`. */
  readonly query: string
  readonly cookie: string | string[] | undefined
  readonly clientIp: string
}

export type SignedUrlFailure =
  'missing-key' | 'unknown-key' | 'malformed' | 'bad-signature' | ConditionFailure

export type SignedUrlDecision =
  | { readonly ok: true; readonly mode: 'url' | 'cookie'; readonly querystring: string }
  | { readonly ok: false; readonly failure: SignedUrlFailure }

const DEFAULT_REMEMBERED = 1024
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i

interface Remembered {
  readonly keyPairId: string
  readonly hash: string
  /** The exact policy text (custom: its base64 as sent; canned: the rebuilt JSON). */
  readonly text: string
  readonly policy: SignedPolicy
}

export class SignedUrlVerifier {
  readonly #keys: ReadonlyMap<string, KeyObject>
  /** Signature → what it was verified for (no long concatenated keys on the hot path). */
  readonly #verified = new Map<string, Remembered>()
  readonly #max: number

  /** `keys`: Key-Pair-Id → public key; `remember`: verified signatures kept (0 = none). */
  constructor(keys: ReadonlyMap<string, KeyObject>, remember = DEFAULT_REMEMBERED) {
    this.#keys = keys
    this.#max = remember
  }

  get keyIds(): readonly string[] {
    return [...this.#keys.keys()]
  }

  check(req: SignedRequest, nowS: number): SignedUrlDecision {
    const query = splitSignedQuery(req.query)
    const v = signingValues(query, req.cookie)
    if (v.keyPairId === undefined || v.keyPairId === '') return fail('missing-key')
    const key = this.#keys.get(v.keyPairId)
    if (key === undefined) return fail('unknown-key')
    const hash = v.hashAlgorithm === undefined || v.hashAlgorithm === 'SHA1' ? 'sha1' : 'sha256'
    if (
      v.hashAlgorithm !== undefined &&
      v.hashAlgorithm !== 'SHA1' &&
      v.hashAlgorithm !== 'SHA256'
    ) {
      return fail('malformed')
    }
    if (v.signature === undefined) return fail('malformed')
    // A `.` or `..` segment (also percent-encoded) could climb out of the Resource a policy
    // grants once an origin resolves it: such a path never matches a signed Resource.
    if (DOT_SEGMENT.test(req.path)) return fail('resource')
    const url: RequestUrl = {
      scheme: req.scheme,
      host: req.host,
      path: req.path,
      query: query.rest,
    }

    let policy: SignedPolicy | undefined
    if (v.policy !== undefined) {
      policy = this.#recall(v.signature, v.keyPairId, hash, v.policy)
      if (policy === undefined) {
        const bytes = decodeCloudFrontBase64(v.policy)
        const parsed = bytes === undefined ? 'undecodable' : parsePolicy(bytes.toString('utf8'))
        if (typeof parsed === 'string' || bytes === undefined) return fail('malformed')
        if (!verifySignature(key, hash, bytes, v.signature)) return fail('bad-signature')
        policy = parsed
        this.#remember(v.signature, { keyPairId: v.keyPairId, hash, text: v.policy, policy })
      }
    } else if (v.expires !== undefined && /^\d{1,12}$/.test(v.expires)) {
      const text = cannedPolicy(requestUrlString(url), Number(v.expires))
      policy = this.#recall(v.signature, v.keyPairId, hash, text)
      if (policy === undefined) {
        if (!verifySignature(key, hash, Buffer.from(text), v.signature)) {
          return fail('bad-signature')
        }
        policy = {
          resource: undefined,
          dateLessThan: Number(v.expires),
          dateGreaterThan: undefined,
          sourceIp: undefined,
        }
        this.#remember(v.signature, { keyPairId: v.keyPairId, hash, text, policy })
      }
    } else {
      return fail('malformed')
    }
    const failure = checkConditions(policy, url, nowS, req.clientIp)
    if (failure !== undefined) return fail(failure)
    return { ok: true, mode: v.mode, querystring: query.rest }
  }

  /** The policy `signature` was verified for, if it was for exactly this key, hash and text. */
  #recall(signature: string, keyPairId: string, hash: string, text: string) {
    const r = this.#verified.get(signature)
    return r !== undefined && r.keyPairId === keyPairId && r.hash === hash && r.text === text
      ? r.policy
      : undefined
  }

  #remember(signature: string, r: Remembered): void {
    if (this.#max === 0) return
    if (this.#verified.size >= this.#max) {
      const oldest = this.#verified.keys().next()
      if (oldest.done !== true) this.#verified.delete(oldest.value)
    }
    this.#verified.set(signature, r)
  }
}

function fail(failure: SignedUrlFailure): SignedUrlDecision {
  return { ok: false, failure }
}

/** §6.5: DER ECDSA signatures as Node makes them, and raw r||s (IEEE P1363) too. */
export function verifySignature(
  key: KeyObject,
  hash: 'sha1' | 'sha256',
  data: Buffer,
  signature: string,
): boolean {
  const sig = decodeCloudFrontBase64(signature)
  if (sig === undefined) return false
  try {
    if (verify(hash, data, key, sig)) return true
    if (key.asymmetricKeyType === 'ec' && sig.length === 64) {
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig)
    }
  } catch {
    return false
  }
  return false
}
