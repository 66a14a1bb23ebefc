// The JWT authorizer (a local extension; config in config/validate-jwt.ts): finds the token
// in a header (`Bearer ` scheme for Authorization) or a cookie, verifies it with jose against
// the authorizer's key set, issuers, audiences and algorithms, then checks scopes and claims.
// Outcomes follow RFC 6750: no token → 401 with a bare challenge; a bad token → 401
// `invalid_token`; a good token without the scope/claims → 403 `insufficient_scope`; keys
// that cannot be had → 503. Key sets: a file is re-read when a token names an unknown kid
// (at most once per cooldown); a URL is fetched by jose's remote set (cached, refetched on an
// unknown kid after the cooldown).
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose'
import type { JwtAuthorizerConfig } from '../config/types.js'
import { parseJwks } from '../config/validate-jwt.js'

export type JwtFailureCode =
  'JWT_MISSING' | 'JWT_INVALID' | 'JWT_INSUFFICIENT_SCOPE' | 'JWKS_UNAVAILABLE'

export interface JwtFailure {
  readonly ok: false
  readonly code: JwtFailureCode
  /** Short reason, for the log, the error page and error_description. */
  readonly description: string
  /** The WWW-Authenticate challenge (none for 503). */
  readonly challenge: string | undefined
  /** The error behind a 503, for the log. */
  readonly cause?: unknown
}

export type JwtOutcome = { readonly ok: true; readonly claims: JWTPayload } | JwtFailure

type Headers = Readonly<Record<string, string | string[] | undefined>>

export interface JwtAuthorizer {
  readonly name: string
  /** The token the request carries, if any. */
  tokenOf(headers: Headers): string | undefined
  /** A challenge-carrying 401 for a request without a token. */
  missing(): JwtFailure
  verify(token: string, nowMs: number): Promise<JwtOutcome>
}

/** The key set could not be loaded or fetched (→ 503, not the token's fault). */
class KeysUnavailable extends Error {
  constructor(cause: unknown) {
    super('the key set could not be had', { cause })
    this.name = 'KeysUnavailable'
  }
}

export function compileJwtAuthorizer(cfg: JwtAuthorizerConfig): JwtAuthorizer {
  const getKey = cfg.jwks.kind === 'file' ? fileKeys(cfg.jwks, cfg.jwksCooldownS) : urlKeys(cfg)
  const realm = `Bearer realm="${cfg.realm}"`
  const invalid = (description: string): JwtFailure => ({
    ok: false,
    code: 'JWT_INVALID',
    description,
    challenge: `${realm}, error="invalid_token", error_description="${quoted(description)}"`,
  })
  const insufficient = (description: string): JwtFailure => {
    const scope =
      cfg.requiredScopes.length === 0 ? '' : `, scope="${quoted(cfg.requiredScopes.join(' '))}"`
    return {
      ok: false,
      code: 'JWT_INSUFFICIENT_SCOPE',
      description,
      challenge: `${realm}, error="insufficient_scope", error_description="${quoted(description)}"${scope}`,
    }
  }
  const options = {
    issuer: [...cfg.issuers],
    audience: [...cfg.audiences],
    algorithms: [...cfg.algorithms],
    clockTolerance: cfg.clockToleranceS,
    requiredClaims: ['exp'],
  }
  return {
    name: cfg.name,
    tokenOf: (headers) => tokenOf(headers, cfg.tokenHeader, cfg.tokenCookie),
    missing: () => ({
      ok: false,
      code: 'JWT_MISSING',
      description: 'no token',
      challenge: realm,
    }),
    async verify(token, nowMs) {
      let claims: JWTPayload
      try {
        const out = await jwtVerify(token, getKey, { ...options, currentDate: new Date(nowMs) })
        claims = out.payload
      } catch (err) {
        if (err instanceof KeysUnavailable) {
          return {
            ok: false,
            code: 'JWKS_UNAVAILABLE',
            description: 'the key set could not be had',
            challenge: undefined,
            cause: err.cause,
          }
        }
        return invalid(describe(err))
      }
      const scopes = grantedScopes(claims)
      const lacking = cfg.requiredScopes.filter((s) => !scopes.has(s))
      if (lacking.length > 0) return insufficient(`missing scope ${lacking.join(' ')}`)
      for (const [name, want] of Object.entries(cfg.requiredClaims)) {
        if (!claimHas(claims[name], want)) return insufficient(`claim ${name} does not match`)
      }
      return { ok: true, claims }
    },
  }
}

/** Authorization needs the Bearer scheme (another scheme counts as no token); other headers may omit it. */
export function tokenOf(
  headers: Headers,
  header: string,
  cookie: string | undefined,
): string | undefined {
  const raw = headers[header]
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  if (value !== undefined && value !== '') {
    const bearer = /^Bearer +(\S+)$/i.exec(value)
    if (bearer !== null) return bearer[1]
    if (header !== 'authorization' && !/\s/.test(value)) return value
  }
  if (cookie === undefined) return undefined
  const c = headers['cookie']
  const text = Array.isArray(c) ? c.join('; ') : c
  if (text === undefined) return undefined
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === cookie) {
      const v = part.slice(eq + 1).trim()
      return v === '' ? undefined : v
    }
  }
  return undefined
}

/** jose's failure → a short error_description (no token contents). */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'unexpected issuer'
    if (err.claim === 'aud') return 'unexpected audience'
    if (err.claim === 'nbf') return 'the token is not valid yet'
    if (err.claim === 'iat') return 'the token is issued in the future'
    if (err.reason === 'missing') return `the token has no ${err.claim} claim`
    return `the ${err.claim} claim is invalid`
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature'
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed'
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key matches the token'
  if (err instanceof errors.JOSENotSupported) return 'unsupported algorithm or key'
  return 'malformed token'
}

function grantedScopes(claims: JWTPayload): Set<string> {
  const out = new Set<string>()
  for (const v of [claims['scope'], claims['scp']]) {
    if (typeof v === 'string') for (const s of v.split(' ')) if (s !== '') out.add(s)
    if (Array.isArray(v)) for (const s of v) if (typeof s === 'string') out.add(s)
  }
  return out
}

/** Equal, or (for a list claim such as `groups`) contained. */
function claimHas(value: unknown, want: string | number | boolean): boolean {
  return Array.isArray(value) ? value.includes(want) : value === want
}

function quoted(s: string): string {
  return s.replace(/["\\]/g, '')
}

/**
 * A JWKS file as jose's local set, re-read when no key matches (a rotated kid), at most once
 * per cooldown; a file that became unreadable keeps the keys it had.
 */
function fileKeys(
  jwks: Extract<JwtAuthorizerConfig['jwks'], { kind: 'file' }>,
  cooldownS: number,
): JWTVerifyGetKey {
  let local = createLocalJWKSet(jwks.keys as JSONWebKeySet)
  let lastReload = -Infinity
  let reloading: Promise<boolean> | undefined
  const reload = async (): Promise<boolean> => {
    if (reloading !== undefined) return reloading
    if (performance.now() - lastReload < cooldownS * 1000) return false
    lastReload = performance.now()
    reloading = readFile(jwks.file, 'utf8')
      .then((text) => {
        const parsed = parseJwks(text)
        if (typeof parsed === 'string') return false
        local = createLocalJWKSet(parsed as JSONWebKeySet)
        return true
      })
      .catch(() => false)
      .finally(() => {
        reloading = undefined
      })
    return reloading
  }
  return async (header, token) => {
    try {
      return await local(header, token)
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err
      if (!(await reload())) throw err
      return await local(header, token)
    }
  }
}

/** jose's remote set; a fetch that fails (network, status, timeout, bad JSON) is a 503. */
function urlKeys(cfg: JwtAuthorizerConfig): JWTVerifyGetKey {
  if (cfg.jwks.kind !== 'url') throw new Error('not a URL key set')
  const remote = createRemoteJWKSet(new URL(cfg.jwks.url), {
    cooldownDuration: cfg.jwksCooldownS * 1000,
    cacheMaxAge: cfg.jwksMaxAgeS * 1000,
    timeoutDuration: 5000,
  })
  return async (header, token) => {
    try {
      return await remote(header, token)
    } catch (err) {
      if (
        err instanceof errors.JWKSNoMatchingKey ||
        err instanceof errors.JWKSMultipleMatchingKeys ||
        err instanceof errors.JOSENotSupported ||
        err instanceof errors.JWKInvalid
      ) {
        throw err
      }
      throw new KeysUnavailable(err)
    }
  }
}
