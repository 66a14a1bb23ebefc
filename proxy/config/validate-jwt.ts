// The JwtAuthorizers section (a local extension, not CloudFront's): named JWT checks a
// behavior requires with `JwtAuthorizer: NAME`. Each names its key set (a JWKS file, re-read
// on an unknown kid, or a JWKS URL), the accepted issuers, audiences and algorithms, where
// the token is (a header, `Bearer ` prefix optional, or a cookie) and optional scopes/claims.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { isRecord, type Reader, type Rec } from './fields.js'
import type { BehaviorSource } from './policy-sources.js'
import type { BehaviorConfig, JwtAuthorizerConfig } from './types.js'

const FIELDS = new Set([
  'Name',
  'JwksFile',
  'JwksUrl',
  'Issuer',
  'Audience',
  'TokenHeader',
  'TokenCookie',
  'Algorithms',
  'ClockToleranceSeconds',
  'RequiredScopes',
  'RequiredClaims',
  'JwksCooldownSeconds',
  'JwksCacheSeconds',
  'Realm',
])
/** Asymmetric algorithms only: a JWKS holds public keys, so HS* cannot be verified. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
const SECONDS = { min: 0, max: 86_400 }

export function readJwtAuthorizers(
  r: Reader,
  items: readonly Rec[],
  sourceDir: string,
): JwtAuthorizerConfig[] {
  const names = new Set<string>()
  return items.map((item) => {
    r.unknownKeys(item, FIELDS)
    const name = r.required(item, 'Name')
    if (names.has(name)) r.error(r.at(item, 'Name'), 'names another authorizer already', name)
    names.add(name)
    return {
      name,
      jwks: readJwks(r, item, sourceDir),
      issuers: readOneOrMany(r, item, 'Issuer'),
      audiences: readOneOrMany(r, item, 'Audience'),
      tokenHeader: readHeaderName(r, item),
      tokenCookie: readCookieName(r, item),
      algorithms: readAlgorithms(r, item),
      clockToleranceS: r.int(item, 'ClockToleranceSeconds', { min: 0, max: 600, fallback: 0 }),
      requiredScopes: r.strings(item, 'RequiredScopes'),
      requiredClaims: readClaims(r, item),
      jwksCooldownS: r.int(item, 'JwksCooldownSeconds', { ...SECONDS, fallback: 30 }),
      jwksMaxAgeS: r.int(item, 'JwksCacheSeconds', { ...SECONDS, fallback: 600 }),
      realm: readRealm(r, item),
    }
  })
}

/** A behavior's `JwtAuthorizer` (read with the behavior's other fields). */
export function readJwtAuthorizerRef(r: Reader, b: Rec): Pick<BehaviorConfig, 'jwtAuthorizer'> {
  const name = r.string(b, 'JwtAuthorizer')
  if (name === '') r.error(r.at(b, 'JwtAuthorizer'), 'must not be empty', name)
  return name === undefined || name === '' ? {} : { jwtAuthorizer: name }
}

/** Every behavior's JwtAuthorizer must name an entry of JwtAuthorizers. */
export function checkJwtReferences(
  r: Reader,
  located: readonly { behavior: BehaviorConfig; source: BehaviorSource }[],
  authorizers: readonly JwtAuthorizerConfig[],
): void {
  const names = new Set(authorizers.map((a) => a.name))
  for (const { behavior, source } of located) {
    const name = behavior.jwtAuthorizer
    if (name !== undefined && !names.has(name)) {
      r.error(source.at('JwtAuthorizer'), 'names no entry of JwtAuthorizers', name)
    }
  }
}

function readJwks(r: Reader, item: Rec, sourceDir: string): JwtAuthorizerConfig['jwks'] {
  const file = r.string(item, 'JwksFile')
  const url = r.string(item, 'JwksUrl')
  if (file !== undefined && url !== undefined) {
    r.error(r.at(item, 'JwksUrl'), 'give either JwksFile or JwksUrl, not both', url)
  }
  if (file === undefined && url === undefined) {
    r.error(r.at(item, 'JwksFile'), 'is required (or JwksUrl)')
  }
  if (url !== undefined && file === undefined) return { kind: 'url', url: readUrl(r, item, url) }
  const abs = resolve(sourceDir, file ?? '')
  const at = r.at(item, 'JwksFile')
  if (file === undefined) return { kind: 'file', file: abs, keys: { keys: [] } }
  if (file === '') {
    r.error(at, 'must not be empty', file)
    return { kind: 'file', file: abs, keys: { keys: [] } }
  }
  const parsed = readJwksFile(abs)
  if (typeof parsed === 'string') r.error(at, parsed, file)
  return { kind: 'file', file: abs, keys: typeof parsed === 'string' ? { keys: [] } : parsed }
}

/** The file's key set, or why it is not a usable one (public keys only). */
export function readJwksFile(
  file: string,
): { readonly keys: readonly Readonly<Record<string, unknown>>[] } | string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${String(err)}`
  }
  return parseJwks(text)
}

/** A JWKS text → its key set, or why it is not a usable one (public keys only). */
export function parseJwks(
  text: string,
): { readonly keys: readonly Readonly<Record<string, unknown>>[] } | string {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return `is not JSON: ${(err as Error).message}`
  }
  if (!isRecord(json) || !Array.isArray(json['keys'])) return 'must hold a JWKS: {"keys": [...]}'
  const keys = json['keys'] as unknown[]
  for (const [i, key] of keys.entries()) {
    if (!isRecord(key) || typeof key['kty'] !== 'string') {
      return `keys[${String(i)}] is not a JWK (an object with kty)`
    }
    const secret = PRIVATE_MEMBERS.find((m) => m in key)
    if (secret !== undefined) {
      return `keys[${String(i)}] holds private or symmetric key material (${secret}): give public keys only`
    }
  }
  return { keys: keys as Readonly<Record<string, unknown>>[] }
}

function readUrl(r: Reader, item: Rec, url: string): string {
  const at = r.at(item, 'JwksUrl')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    r.error(at, 'must be an absolute http(s) URL', url)
    return url
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    r.error(at, 'must be an http(s) URL', url)
  } else if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    r.warn(at, 'is fetched over plain http: anyone on the path can swap the keys; use https', url)
  }
  return url
}

/** A string or a non-empty list of non-empty strings; required. */
function readOneOrMany(r: Reader, item: Rec, key: string): string[] {
  const v = r.get(item, key)
  const at = r.at(item, key)
  if (v === undefined) {
    r.error(at, 'is required')
    return []
  }
  if (typeof v === 'string') {
    if (v === '') r.error(at, 'must not be empty', v)
    return v === '' ? [] : [v]
  }
  if (!Array.isArray(v)) {
    r.error(at, 'must be a string or a list of strings', v)
    return []
  }
  const list = r.strings(item, key)
  if (list.length === 0) r.error(at, 'must not be empty', v)
  list.forEach((s, i) => {
    if (s === '') r.error(r.paths.index(v, i), 'must not be empty', s)
  })
  return list.filter((s) => s !== '')
}

function readHeaderName(r: Reader, item: Rec): string {
  const v = r.string(item, 'TokenHeader') ?? 'Authorization'
  if (!TOKEN.test(v)) r.error(r.at(item, 'TokenHeader'), 'must be a header name', v)
  return v.toLowerCase()
}

function readCookieName(r: Reader, item: Rec): string | undefined {
  const v = r.string(item, 'TokenCookie')
  if (v !== undefined && !TOKEN.test(v)) {
    r.error(r.at(item, 'TokenCookie'), 'must be a cookie name', v)
    return undefined
  }
  return v
}

function readAlgorithms(r: Reader, item: Rec): string[] {
  if (!r.has(item, 'Algorithms')) return ['RS256', 'ES256']
  const list = r.strings(item, 'Algorithms')
  const raw = r.list(item, 'Algorithms')
  if (raw.length === 0) r.error(r.at(item, 'Algorithms'), 'must not be empty', raw)
  list.forEach((alg, i) => {
    if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
      r.error(
        r.paths.index(raw, i),
        `must be one of ${JWT_ALGORITHMS.join(', ')} (public-key algorithms)`,
        alg,
      )
    }
  })
  return list
}

function readClaims(r: Reader, item: Rec): Record<string, string | number | boolean> {
  const claims = r.record(item, 'RequiredClaims')
  const out: Record<string, string | number | boolean> = {}
  if (claims === undefined) return out
  for (const [name, v] of Object.entries(claims)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[name] = v
    else r.error(r.at(claims, name), 'must be a string, number or boolean', v)
  }
  return out
}

function readRealm(r: Reader, item: Rec): string {
  const v = r.string(item, 'Realm') ?? 'edgeproxy'
  if (/["\\\r\n]/.test(v)) r.error(r.at(item, 'Realm'), 'must not contain " or \\', v)
  return v.replace(/["\\\r\n]/g, '')
}
