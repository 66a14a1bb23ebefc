// A viewer's country (spec §3.5, §11.10) and the distribution's geo restriction. The country
// comes from Server.Geo: a trusted request header (tests and local runs only), else the CIDR
// table, else DefaultCountry; without Server.Geo every viewer is in `US` (§3.5's suggested
// default) and nothing is computed per request. Unknown locations are never refused (§11.10).
import type { IncomingHttpHeaders } from 'node:http'
import type { GeoRestrictionConfig, GeoSourceConfig } from '../config/types.js'

export const DEFAULT_COUNTRY = 'US'

const CODE = /^[A-Za-z]{2}$/

export interface GeoLocator {
  /** Set when the answer is the same for every request (no header, no table). */
  readonly fixed: boolean
  /** The country of a viewer; undefined when unknown. */
  locate(headers: IncomingHttpHeaders, clientIp: string): string | undefined
}

export function compileLocator(cfg: GeoSourceConfig | undefined): GeoLocator {
  if (cfg === undefined) return { fixed: true, locate: () => DEFAULT_COUNTRY }
  const { countryHeader: header, table, defaultCountry } = cfg
  if (header === undefined && table === undefined) {
    return { fixed: true, locate: () => defaultCountry }
  }
  return {
    fixed: false,
    locate(headers, clientIp) {
      if (header !== undefined) {
        const v = headers[header]
        const s = Array.isArray(v) ? v[0] : v
        // A value that is no country code is ignored, as if the header were absent.
        if (s !== undefined && CODE.test(s)) return s.toUpperCase()
      }
      return table?.lookup(clientIp) ?? defaultCountry
    },
  }
}

/** Whether a viewer from `country` is refused; undefined for `none` (nothing to check). */
export function compileGeoRestriction(
  cfg: GeoRestrictionConfig | undefined,
): ((country: string | undefined) => boolean) | undefined {
  if (cfg === undefined || cfg.restrictionType === 'none') return undefined
  const listed = new Set(cfg.locations)
  const allowList = cfg.restrictionType === 'whitelist'
  return (country) => country !== undefined && listed.has(country) !== allowList
}
