// Key groups for signed URLs and cookies (spec §6.1; design.md §3 "Key groups"): each group has
// an Id and 1–5 public keys, each an Id plus exactly one of EncodedKey (PEM) or EncodedKeyFile
// (resolved from the config file's folder); a key must be RSA 2048 or ECDSA P-256. Keys are
// imported once here. Behaviors may name ≤ 4 groups, each of which must exist.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { isRecord, type Reader, type Rec } from './fields.js'

/** Key group Id → (public key Id → key). */
export type KeyGroupKeys = ReadonlyMap<string, ReadonlyMap<string, KeyObject>>

const MAX_KEYS_PER_GROUP = 5
const MAX_GROUPS_PER_BEHAVIOR = 4
const GROUP_FIELDS = new Set(['Id', 'Name', 'Comment', 'PublicKeys'])
const KEY_FIELDS = new Set(['Id', 'Name', 'Comment', 'EncodedKey', 'EncodedKeyFile'])

export function readKeyGroups(r: Reader, groups: readonly Rec[], sourceDir: string): KeyGroupKeys {
  const out = new Map<string, Map<string, KeyObject>>()
  const seenKeys = new Map<string, string>() // key Id → PEM (one Id, one key, across groups)
  for (const g of groups) {
    r.unknownKeys(g, GROUP_FIELDS)
    const id = r.required(g, 'Id')
    r.string(g, 'Name')
    if (id !== '' && out.has(id)) r.error(r.at(g, 'Id'), 'is used by another key group', id)
    const keys = new Map<string, KeyObject>()
    if (!r.has(g, 'PublicKeys')) r.error(r.at(g, 'PublicKeys'), 'is required')
    const list = r.records(g, 'PublicKeys')
    if (r.has(g, 'PublicKeys') && (list.length < 1 || list.length > MAX_KEYS_PER_GROUP)) {
      const n = r.list(g, 'PublicKeys').length
      r.error(r.at(g, 'PublicKeys'), `must hold 1–${MAX_KEYS_PER_GROUP} public keys`, n)
    }
    for (const { item: k } of list) {
      r.unknownKeys(k, KEY_FIELDS)
      const keyId = r.required(k, 'Id')
      if (keyId !== '' && keys.has(keyId)) {
        r.error(r.at(k, 'Id'), 'is used twice in this key group', keyId)
        continue
      }
      const pem = readPem(r, k, sourceDir)
      if (pem === undefined) continue
      const key = importPublicKey(r, pem.text, pem.path)
      if (key === undefined || keyId === '') continue
      const other = seenKeys.get(keyId)
      if (other !== undefined && other !== pem.text.trim()) {
        r.error(r.at(k, 'Id'), 'names a different key in another key group', keyId)
      }
      seenKeys.set(keyId, pem.text.trim())
      keys.set(keyId, key)
    }
    if (id !== '' && !out.has(id)) out.set(id, keys)
  }
  return out
}

/**
 * Every behavior's TrustedKeyGroups must name known groups (≤ 4). Legacy TrustedSigners trust
 * every key of every key group (see compile.ts), so they warn when there are none.
 */
export function checkTrustedKeyGroups(
  r: Reader,
  distribution: unknown,
  groups: KeyGroupKeys,
): void {
  if (!isRecord(distribution)) return
  const behaviors: unknown[] = [distribution['DefaultCacheBehavior']]
  const list = distribution['CacheBehaviors']
  if (Array.isArray(list)) behaviors.push(...(list as unknown[]))
  for (const b of behaviors) {
    if (!isRecord(b)) continue
    const trusted = b['TrustedKeyGroups']
    if (Array.isArray(trusted)) {
      if (trusted.length > MAX_GROUPS_PER_BEHAVIOR) {
        r.error(
          r.at(b, 'TrustedKeyGroups'),
          `may name at most ${MAX_GROUPS_PER_BEHAVIOR} key groups`,
          trusted.length,
        )
      }
      trusted.forEach((id: unknown, i) => {
        if (typeof id === 'string' && !groups.has(id)) {
          r.error(r.paths.index(trusted, i), 'names no key group in KeyGroups', id)
        }
      })
    }
    const signers = b['TrustedSigners']
    if (Array.isArray(signers) && signers.length > 0 && groups.size === 0) {
      r.warn(
        r.at(b, 'TrustedSigners'),
        'trusts the keys of KeyGroups, and there are none: every request will be refused',
      )
    }
  }
}

function readPem(r: Reader, k: Rec, sourceDir: string): { text: string; path: string } | undefined {
  const inline = r.has(k, 'EncodedKey')
  const file = r.has(k, 'EncodedKeyFile')
  if (inline === file) {
    const path = r.paths.of(k)
    r.error(path, 'needs exactly one of EncodedKey or EncodedKeyFile')
    return undefined
  }
  if (inline) {
    const text = r.string(k, 'EncodedKey')
    return text === undefined ? undefined : { text, path: r.at(k, 'EncodedKey') }
  }
  const name = r.string(k, 'EncodedKeyFile')
  const path = r.at(k, 'EncodedKeyFile')
  if (name === undefined) return undefined
  try {
    return { text: readFileSync(resolve(sourceDir, name), 'utf8'), path }
  } catch (err) {
    r.error(path, `cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    return undefined
  }
}

/** RSA 2048 or EC P-256, PEM; a private key is refused rather than silently derived from. */
export function importPublicKey(r: Reader, pem: string, path: string): KeyObject | undefined {
  if (/PRIVATE KEY/.test(pem)) {
    r.error(path, 'is a private key: give the public key (openssl pkey -pubout)')
    return undefined
  }
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch {
    r.error(path, 'is not a PEM public key (-----BEGIN PUBLIC KEY-----)')
    return undefined
  }
  const d = key.asymmetricKeyDetails
  if (key.asymmetricKeyType === 'rsa' && d?.modulusLength === 2048) return key
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return key
  const got =
    key.asymmetricKeyType === 'rsa'
      ? `RSA ${String(d?.modulusLength)}-bit`
      : key.asymmetricKeyType === 'ec'
        ? `EC ${String(d?.namedCurve)}`
        : String(key.asymmetricKeyType)
  r.error(path, `must be an RSA 2048-bit or ECDSA P-256 public key (got ${got})`)
  return undefined
}
