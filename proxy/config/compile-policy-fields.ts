// Readers shared by the policy compilers (spec §1.7): a policy's Id/Name in either config shape,
// the name lists of HeadersConfig/CookiesConfig/QueryStringsConfig with their quotas (10 names,
// 1,024 characters per policy), and header-name checks. Problems carry the user's path.
import type { Reader, Rec } from './fields.js'

export type PolicyKind = 'CachePolicy' | 'OriginRequestPolicy' | 'ResponseHeadersPolicy'

/** One custom policy as written: its id (the Name when there is no Id) and its config fields. */
export interface PolicySource {
  readonly id: string
  readonly name: string
  readonly config: Rec
  /** Where the id came from (the Id field, or Name when there is none), for duplicate reports. */
  readonly idPath: string
  readonly namePath: string
}

const ITEM_IGNORED = new Set(['LastModifiedTime', 'ETag'])
export const NAME_QUOTA = 10
export const NAME_CHARS_QUOTA = 1024

/**
 * `{Id, CachePolicyConfig: {Name, …}}` (API / design.md shape) or the flat `{Id, Name, …}`.
 * Undefined when the policy cannot be identified (no Id and no Name, or a malformed config).
 */
export function policySource(
  r: Reader,
  item: Rec,
  kind: PolicyKind,
  fields: ReadonlySet<string>,
): PolicySource | undefined {
  const configKey = `${kind}Config`
  let config: Rec | undefined = item
  if (r.has(item, configKey)) {
    r.unknownKeys(item, new Set(['Id', configKey]), ITEM_IGNORED)
    config = r.record(item, configKey)
    if (config !== undefined) r.unknownKeys(config, fields)
  } else {
    r.unknownKeys(item, new Set(['Id', ...fields]), ITEM_IGNORED)
  }
  const id = r.string(item, 'Id')
  if (id === '') r.error(r.at(item, 'Id'), 'must not be empty', id)
  if (config === undefined) return undefined
  const name = r.string(config, 'Name')
  const namePath = r.at(config, 'Name')
  if (name === undefined || name === '') {
    r.error(
      namePath,
      name === '' ? 'must not be empty' : 'is required',
      ...(name === '' ? [name] : []),
    )
  }
  const theId = id !== undefined && id !== '' ? id : name
  if (theId === undefined || theId === '') return undefined
  const idPath = theId === id ? r.at(item, 'Id') : namePath
  return { id: theId, name: name || theId, config, idPath, namePath }
}

export interface NamedItem {
  readonly name: string
  readonly path: string
}

export interface ListSpec<B extends string> {
  /** e.g. HeadersConfig / HeaderBehavior / Headers. */
  readonly configKey: string
  readonly behaviorKey: string
  readonly listKey: string
  readonly behaviors: readonly B[]
  /** Behaviors that select by the list and so need at least one name. */
  readonly needsList: readonly B[]
  /** Behaviors that may carry a list without needing one. */
  readonly mayList?: readonly B[]
  readonly noun: 'header' | 'cookie' | 'query string'
}

/** A `{XBehavior, Xs}` block: the behavior, the names (headers lowercase) and their paths. */
export function readNameList<B extends string>(
  r: Reader,
  parent: Rec,
  spec: ListSpec<B>,
  fallback: B,
): { behavior: B; names: string[]; items: NamedItem[] } {
  const block = r.record(parent, spec.configKey)
  if (block === undefined) return { behavior: fallback, names: [], items: [] }
  r.unknownKeys(block, new Set([spec.behaviorKey, spec.listKey]))
  const behavior = r.oneOf(block, spec.behaviorKey, spec.behaviors, fallback)
  if (!r.has(block, spec.behaviorKey)) r.error(r.at(block, spec.behaviorKey), 'is required')
  const listPath = r.at(block, spec.listKey)
  const raw = r.list(block, spec.listKey)
  const items: NamedItem[] = []
  const seen = new Set<string>()
  for (const [i, v] of raw.entries()) {
    const path = r.paths.index(raw, i)
    if (typeof v !== 'string' || v === '') {
      r.error(path, `must be a non-empty ${spec.noun} name`, v)
      continue
    }
    if (spec.noun === 'header' && !isHeaderName(v)) {
      r.error(path, 'is not a valid header name', v)
      continue
    }
    const name = spec.noun === 'header' ? v.toLowerCase() : v
    if (seen.has(name)) r.warn(path, `lists the ${spec.noun} ${v} twice`)
    else items.push({ name, path })
    seen.add(name)
  }
  const usesList = spec.needsList.includes(behavior) || (spec.mayList ?? []).includes(behavior)
  if (spec.needsList.includes(behavior) && raw.length === 0) {
    r.error(listPath, `must list at least one ${spec.noun} when ${spec.behaviorKey} is ${behavior}`)
  } else if (!usesList && raw.length > 0 && r.get(block, spec.behaviorKey) === behavior) {
    r.warn(listPath, `is ignored when ${spec.behaviorKey} is ${behavior}`)
  }
  if (raw.length > NAME_QUOTA) {
    r.error(listPath, `may list at most ${NAME_QUOTA} ${spec.noun}s (quota)`, raw.length)
  }
  const kept = usesList ? items : []
  return { behavior, names: kept.map((it) => it.name), items: kept }
}

/** The combined-length quota over every name a policy lists. */
export function checkNameChars(r: Reader, config: Rec, names: readonly string[]): void {
  const total = names.reduce((n, s) => n + s.length, 0)
  if (total > NAME_CHARS_QUOTA) {
    r.error(
      r.paths.of(config),
      `the names of its headers, cookies and query strings total more than ${NAME_CHARS_QUOTA} characters (quota)`,
      total,
    )
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** An RFC 9110 token. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name)
}
