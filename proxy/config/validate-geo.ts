// Geo settings (spec/cloudfront.md §1.6, §3.5, §11.10): DistributionConfig.Restrictions.
// GeoRestriction (CloudFront's own: none | whitelist | blacklist and ISO-3166-1 alpha-2
// codes) and the local Server.Geo section saying where a viewer's country comes from. The
// CIDR file is read and compiled here, once per load.
import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { compileCountryTable, parseCidrFile } from '../geo/cidr-table.js'
import { compileGeoRestriction, DEFAULT_COUNTRY } from '../geo/country.js'
import { isRecord, type Reader, type Rec } from './fields.js'
import { joinPath } from './source-paths.js'
import type {
  DistributionConfigModel,
  GeoRestrictionConfig,
  GeoSourceConfig,
  ServerConfig,
} from './types.js'

const RESTRICTION_TYPES = ['none', 'whitelist', 'blacklist'] as const
const COUNTRY = /^[A-Z]{2}$/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** CIDR file lines reported at most, so a wrong file does not flood `validate`. */
const MAX_LINE_PROBLEMS = 10

/** `Restrictions: { GeoRestriction: { RestrictionType, Locations } }`; undefined when absent. */
export function readGeoRestriction(r: Reader, dist: Rec): GeoRestrictionConfig | undefined {
  const restrictions = r.record(dist, 'Restrictions')
  if (restrictions === undefined) return undefined
  r.unknownKeys(restrictions, new Set(['GeoRestriction']))
  const geo = r.record(restrictions, 'GeoRestriction')
  if (geo === undefined) return undefined
  r.unknownKeys(geo, new Set(['RestrictionType', 'Locations']))
  const typeAt = r.at(geo, 'RestrictionType')
  if (!r.has(geo, 'RestrictionType')) r.error(typeAt, 'is required')
  const raw = r.get(geo, 'RestrictionType')
  let restrictionType: GeoRestrictionConfig['restrictionType'] = 'none'
  if (typeof raw === 'string' && (RESTRICTION_TYPES as readonly string[]).includes(raw)) {
    restrictionType = raw as GeoRestrictionConfig['restrictionType']
  } else if (raw !== undefined) {
    const hint =
      typeof raw === 'string' && /^(allow|block)list$/i.test(raw)
        ? ' (CloudFront calls an allow-list whitelist and a block-list blacklist)'
        : ''
    r.error(typeAt, `must be one of ${RESTRICTION_TYPES.join(', ')}${hint}`, raw)
  }
  const locations = readLocations(r, geo)
  const locationsAt = r.at(geo, 'Locations')
  if (restrictionType !== 'none' && locations.length === 0 && raw !== undefined) {
    r.error(locationsAt, `must list at least one country for ${restrictionType}`)
  }
  if (restrictionType === 'none' && locations.length > 0) {
    r.warn(locationsAt, 'is ignored: RestrictionType is none')
  }
  return { restrictionType, locations }
}

function readLocations(r: Reader, geo: Rec): string[] {
  const list = r.list(geo, 'Locations')
  const seen = new Set<string>()
  list.forEach((code, i) => {
    const at = r.paths.index(list, i)
    if (typeof code !== 'string' || !COUNTRY.test(code)) {
      const upper = typeof code === 'string' && /^[a-z]{2}$/i.test(code) ? ' (use uppercase)' : ''
      r.error(at, `must be an ISO-3166-1 alpha-2 country code, two letters A–Z${upper}`, code)
    } else if (seen.has(code)) r.warn(at, 'is listed twice', code)
    else seen.add(code)
  })
  return [...seen]
}

const GEO_FIELDS = new Set(['CountryHeader', 'CidrFile', 'DefaultCountry'])
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** Server.Geo; undefined when absent (every viewer is then in US). */
export function readGeoSource(
  r: Reader,
  server: Rec,
  sourceDir: string,
  host: string,
): GeoSourceConfig | undefined {
  const geo = r.record(server, 'Geo')
  if (geo === undefined) return undefined
  r.unknownKeys(geo, GEO_FIELDS)
  const header = r.string(geo, 'CountryHeader')
  let countryHeader: string | undefined
  if (header !== undefined && !TOKEN.test(header)) {
    r.error(r.at(geo, 'CountryHeader'), 'must be a header name', header)
  } else if (header !== undefined) {
    countryHeader = header.toLowerCase()
    if (!LOOPBACK.has(host)) {
      r.warn(
        r.at(geo, 'CountryHeader'),
        'lets every viewer choose its country: use it only for tests and local runs, never on an internet-facing listener',
        header,
      )
    }
  }
  const { cidrFile, table } = readCidrFile(r, geo, sourceDir)
  const def = r.string(geo, 'DefaultCountry') ?? DEFAULT_COUNTRY
  if (def !== '' && !COUNTRY.test(def)) {
    r.error(
      r.at(geo, 'DefaultCountry'),
      'must be two uppercase letters (ISO-3166-1 alpha-2), or empty for unknown',
      def,
    )
  }
  return {
    countryHeader,
    cidrFile,
    table,
    defaultCountry: def === '' || !COUNTRY.test(def) ? undefined : def,
  }
}

function readCidrFile(
  r: Reader,
  geo: Rec,
  sourceDir: string,
): Pick<GeoSourceConfig, 'cidrFile' | 'table'> {
  const file = r.string(geo, 'CidrFile')
  const at = r.at(geo, 'CidrFile')
  if (file === undefined) return { cidrFile: undefined, table: undefined }
  if (file === '') {
    r.error(at, 'must not be empty', file)
    return { cidrFile: undefined, table: undefined }
  }
  const abs = resolve(sourceDir, file)
  const stat = statSync(abs, { throwIfNoEntry: false })
  let text: string
  try {
    if (stat !== undefined && !stat.isFile()) throw new Error('is not a file')
    text = readFileSync(abs, 'utf8')
  } catch (err) {
    const why = stat === undefined ? 'file not found' : (err as Error).message
    r.error(at, `${why}: ${abs}`, file)
    return { cidrFile: abs, table: undefined }
  }
  const { entries, problems } = parseCidrFile(text)
  for (const p of problems.slice(0, MAX_LINE_PROBLEMS)) {
    r.error(at, `line ${String(p.line)}: ${p.message}`, p.value)
  }
  if (problems.length > MAX_LINE_PROBLEMS) {
    r.error(at, `${String(problems.length - MAX_LINE_PROBLEMS)} more bad line(s)`, file)
  }
  if (entries.length === 0 && problems.length === 0) r.warn(at, 'holds no CIDR lines', file)
  return { cidrFile: abs, table: compileCountryTable(entries) }
}

/** Without Server.Geo every viewer is in US: a restriction refusing US refuses everyone. */
export function checkGeoSource(
  r: Reader,
  file: { readonly distribution: unknown; readonly distributionPath: string },
  server: ServerConfig,
  distribution: DistributionConfigModel,
): void {
  const type = distribution.geoRestriction?.restrictionType ?? 'none'
  const blocks = compileGeoRestriction(distribution.geoRestriction)
  if (blocks === undefined || server.geo !== undefined || !blocks(DEFAULT_COUNTRY)) return
  const restrictions = isRecord(file.distribution) ? file.distribution['Restrictions'] : undefined
  const geo = isRecord(restrictions) ? restrictions['GeoRestriction'] : undefined
  const at = isRecord(geo)
    ? r.at(geo, 'RestrictionType')
    : joinPath(file.distributionPath, 'Restrictions.GeoRestriction.RestrictionType')
  r.warn(
    at,
    `refuses every request: without Server.Geo every viewer counts as ${DEFAULT_COUNTRY}`,
    type,
  )
}
