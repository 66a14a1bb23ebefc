// KeyValueStore loading for CloudFront Functions (spec/cloudfront.md §7.4): the KVS import
// format `{"data":[{"key","value"}]}` or a plain `{key: value}` object, with AWS's quotas
// (key ≤ 512 bytes, value ≤ 1 KB, store ≤ 5 MB) enforced at load; meta() from the file's stats.
import { readFileSync, statSync, type Stats } from 'node:fs'
import type { KeyValueStore } from './types.js'

export const MAX_KEY_BYTES = 512
export const MAX_VALUE_BYTES = 1024
export const MAX_STORE_BYTES = 5 * 1024 * 1024

export class KeyValueStoreLoadError extends Error {
  override readonly name = 'KeyValueStoreLoadError'
}

export interface KeyValueStoreOptions {
  readonly name: string
  /** Defaults to the name. */
  readonly id?: string
  readonly arn?: string
  readonly file: string
}

export function loadKeyValueStore(options: KeyValueStoreOptions): KeyValueStore {
  const { file } = options
  const fail = (message: string): never => {
    throw new KeyValueStoreLoadError(`${file}: ${message}`)
  }
  let text: string
  let stats: Stats
  try {
    text = readFileSync(file, 'utf8')
    stats = statSync(file)
  } catch (err) {
    return fail(`cannot read the key value store file (${(err as Error).message})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('must be {"data": [{"key": …, "value": …}]} or a {"key": "value"} object')
  }
  const pairs: [string, string][] = []
  const data = (parsed as { data?: unknown }).data
  if (Array.isArray(data)) {
    data.forEach((item: unknown, i) => {
      const rec = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
      const { key, value } = rec
      if (typeof key !== 'string') return fail(`data[${i}].key must be a string`)
      if (typeof value !== 'string') return fail(`data[${i}].value must be a string (key "${key}")`)
      pairs.push([key, value])
    })
  } else {
    for (const [key, value] of Object.entries(parsed)) {
      // Non-string values are stored as their JSON text (read them with { format: 'json' }).
      pairs.push([key, typeof value === 'string' ? value : JSON.stringify(value)])
    }
  }
  const entries = new Map<string, string>()
  let total = 0
  for (const [key, value] of pairs) {
    const keyBytes = Buffer.byteLength(key)
    const valueBytes = Buffer.byteLength(value)
    if (keyBytes === 0) fail('a key is empty')
    if (keyBytes > MAX_KEY_BYTES) {
      fail(`key "${key.slice(0, 40)}…" is ${keyBytes} bytes; the limit is ${MAX_KEY_BYTES}`)
    }
    if (valueBytes > MAX_VALUE_BYTES) {
      fail(`the value of key "${key}" is ${valueBytes} bytes; the limit is ${MAX_VALUE_BYTES}`)
    }
    if (entries.has(key)) fail(`key "${key}" appears more than once`)
    total += keyBytes + valueBytes
    if (total > MAX_STORE_BYTES) {
      fail(`the store exceeds ${MAX_STORE_BYTES} bytes (5 MB) at key "${key}"`)
    }
    entries.set(key, value)
  }
  const created = stats.birthtimeMs > 0 ? stats.birthtime : stats.ctime
  const meta = {
    creationDateTime: created.toISOString(),
    lastUpdatedDateTime: stats.mtime.toISOString(),
    keyCount: entries.size,
  }
  return {
    name: options.name,
    id: options.id ?? options.name,
    arn: options.arn,
    get: (key) => entries.get(key),
    meta: () => ({ ...meta }),
  }
}
