// Origin groups for failover (spec/cloudfront.md §1.4): exactly two member origins (primary,
// then secondary) and failover status codes from 400, 403, 404, 416, 500, 502, 503, 504.
// Origin and origin group Ids share one namespace.
import { FAILOVER_STATUS_CODES as FAILOVER_CODES } from '../cloudfront/failover.js'
import type { Reader, Rec } from './fields.js'
import type { OriginGroupConfig } from './types.js'

const GROUP_FIELDS = new Set(['Id', 'FailoverCriteria', 'Members', 'SelectionCriteria'])

export function readOriginGroups(
  r: Reader,
  dist: Rec,
  originIds: ReadonlySet<string>,
): OriginGroupConfig[] {
  const seen = new Set<string>()
  return r.records(dist, 'OriginGroups').map(({ item, path }) => {
    r.unknownKeys(item, GROUP_FIELDS)
    const id = r.required(item, 'Id')
    if (originIds.has(id)) r.error(r.at(item, 'Id'), 'is already the Id of an origin', id)
    else if (seen.has(id))
      r.error(r.at(item, 'Id'), 'duplicates the Id of another origin group', id)
    seen.add(id)
    r.oneOf(item, 'SelectionCriteria', ['default', 'media-quality-based'], 'default')
    const [primary, secondary] = readMembers(r, item, path, originIds)
    return {
      id,
      primaryOriginId: primary,
      secondaryOriginId: secondary,
      failoverStatusCodes: readFailoverCodes(r, item),
    }
  })
}

function readMembers(
  r: Reader,
  group: Rec,
  path: string,
  originIds: ReadonlySet<string>,
): [string, string] {
  if (!r.has(group, 'Members')) {
    r.error(r.at(group, 'Members'), 'is required')
    return ['', '']
  }
  const members = r.records(group, 'Members')
  const list = r.list(group, 'Members')
  if (list.length !== 2) {
    r.error(r.paths.of(list), 'must list exactly two origins (primary, secondary)', list.length)
  }
  const ids = members.map(({ item }) => {
    r.unknownKeys(item, new Set(['OriginId']))
    const id = r.required(item, 'OriginId')
    if (id !== '' && !originIds.has(id)) r.error(r.at(item, 'OriginId'), 'names no origin', id)
    return id
  })
  if (ids.length === 2 && ids[0] !== '' && ids[0] === ids[1]) {
    r.error(path, 'primary and secondary must be different origins', ids[0])
  }
  return [ids[0] ?? '', ids[1] ?? '']
}

function readFailoverCodes(r: Reader, group: Rec): number[] {
  const criteria = r.record(group, 'FailoverCriteria')
  if (criteria === undefined) {
    if (!r.has(group, 'FailoverCriteria')) r.error(r.at(group, 'FailoverCriteria'), 'is required')
    return []
  }
  r.unknownKeys(criteria, new Set(['StatusCodes']))
  const list = r.list(criteria, 'StatusCodes')
  if (list.length === 0) {
    r.error(r.at(criteria, 'StatusCodes'), 'must list at least one status code')
  }
  const codes: number[] = []
  list.forEach((code, i) => {
    if (typeof code === 'number' && FAILOVER_CODES.includes(code)) codes.push(code)
    else r.error(r.paths.index(list, i), `must be one of ${FAILOVER_CODES.join(', ')}`, code)
  })
  return codes
}
