// Builds the typed EdgeConfig (types.ts) from a normalized file (normalize.ts), collecting every
// problem with the user's path (design.md §3 `validate`); the DistributionConfig rules of
// spec/cloudfront.md §1 live in the validate-*.ts modules this one calls.
import { dirname, resolve } from 'node:path'
import { isRecord, Reader, type Rec } from './fields.js'
import { SECTION_KEYS, type NormalizedFile, type SectionKey } from './normalize.js'
import { behaviorSources } from './policy-sources.js'
import { fallbackBehavior } from './validate-behaviors.js'
import { readDistribution } from './validate-distribution.js'
import { checkGeoSource } from './validate-geo.js'
import { checkJwtReferences, readJwtAuthorizers } from './validate-jwt.js'
import { readServer } from './validate-server.js'
import { checkTrustedKeyGroups, readKeyGroups } from './validate-key-groups.js'
import type { ConfigProblem, DistributionConfigModel, EdgeConfig } from './types.js'

export interface ValidateOptions {
  /** The config file (relative paths in it resolve from its folder). */
  readonly sourceFile: string
  /** `--origin ID=URL` from the command line. */
  readonly originOverrides?: ReadonlyMap<string, string>
}

/** Always returns a config (with fallbacks where fields were wrong) and all problems found. */
export function validateConfig(
  file: NormalizedFile,
  options: ValidateOptions,
): { config: EdgeConfig; problems: ConfigProblem[] } {
  const r = new Reader(file.paths)
  const sourceFile = resolve(options.sourceFile)
  const sourceDir = dirname(sourceFile)
  const overrides = options.originOverrides ?? new Map<string, string>()
  const sections = Object.fromEntries(
    SECTION_KEYS.map((key) => [key, readSection(r, file, key)]),
  ) as Record<SectionKey, Rec[]>
  const server = readServer(r, asRecord(r, file.server, 'Server'), sourceDir)
  const distribution = readDistributionAt(r, file, sourceDir, overrides)
  const jwtAuthorizers = readJwtAuthorizers(r, sections.JwtAuthorizers, sourceDir)
  checkJwtReferences(r, behaviorSources(distribution, file), jwtAuthorizers)
  checkGeoSource(r, file, server, distribution)
  const keyGroupKeys = readKeyGroups(r, sections.KeyGroups, sourceDir)
  checkTrustedKeyGroups(r, file.distribution, keyGroupKeys)
  const config: EdgeConfig = {
    server,
    distribution,
    cachePolicies: sections.CachePolicies,
    originRequestPolicies: sections.OriginRequestPolicies,
    responseHeadersPolicies: sections.ResponseHeadersPolicies,
    functions: sections.Functions,
    keyValueStores: sections.KeyValueStores,
    lambdaFunctions: sections.LambdaFunctions,
    keyGroups: sections.KeyGroups,
    jwtAuthorizers,
    keyGroupKeys,
    sourceFile,
    sourceDir,
    etag: file.etag,
    distributionId: file.distributionId,
    distributionDomain: file.distributionDomain,
  }
  return { config, problems: [...file.problems, ...r.problems] }
}

function readDistributionAt(
  r: Reader,
  file: NormalizedFile,
  sourceDir: string,
  overrides: ReadonlyMap<string, string>,
): DistributionConfigModel {
  const dist = asRecord(r, file.distribution, file.distributionPath)
  if (dist !== undefined) return readDistribution(r, dist, sourceDir, overrides)
  if (file.distribution === undefined || file.distribution === null) {
    r.error(file.distributionPath, 'is required')
  }
  return {
    enabled: true,
    comment: '',
    aliases: [],
    defaultRootObject: '',
    origins: [],
    originGroups: [],
    defaultBehavior: fallbackBehavior(),
    behaviors: [],
    customErrorResponses: [],
    httpVersion: 'http2',
  }
}

function asRecord(r: Reader, v: unknown, path: string): Rec | undefined {
  if (v === undefined || v === null || isRecord(v)) return v ?? undefined
  r.error(path, 'must be an object', v)
  return undefined
}

/** The later-issue sections stay plain records; here they only need to be lists of objects. */
function readSection(r: Reader, file: NormalizedFile, key: SectionKey): Rec[] {
  const list = file.sections[key]
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) {
    r.error(key, 'must be a list', list)
    return []
  }
  return list.filter((item: unknown, i): item is Rec => {
    if (!isRecord(item)) r.error(r.paths.index(list, i), 'must be an object', item)
    return isRecord(item)
  })
}
