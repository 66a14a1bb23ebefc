// The local `Server` section (design.md §3; not CloudFront's): listeners, optional TLS listener,
// memory cache sizes, the POP code for X-Amz-Cf-Pop, the request body limit and whether origin
// TLS certificates are verified (spec §1.3: configurable, off by default).
// Relative file paths resolve from the config file's folder.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Reader, Rec } from './fields.js'
import { readGeoSource } from './validate-geo.js'
import type { ServerConfig } from './types.js'

const SERVER_FIELDS = new Set([
  'Port',
  'Host',
  'AdminPort',
  'Tls',
  'Cache',
  'Pop',
  'MaxRequestBodyMB',
  'Geo',
  'AccessLog',
  'VerifyOriginTls',
])
const PORT = { min: 0, max: 65535 }
const MB = 1024 * 1024

export const DEFAULT_SERVER: ServerConfig = {
  port: 8080,
  host: '127.0.0.1',
  adminPort: 8081,
  tls: undefined,
  cache: { maxSizeMB: 256, maxObjectSizeMB: 32 },
  pop: 'LOCAL1-C1',
  maxRequestBodyBytes: 0,
  verifyOriginTls: false,
}

export function readServer(r: Reader, s: Rec | undefined, sourceDir: string): ServerConfig {
  if (s === undefined) return DEFAULT_SERVER
  r.unknownKeys(s, SERVER_FIELDS)
  const cache = r.record(s, 'Cache')
  if (cache !== undefined) r.unknownKeys(cache, new Set(['MaxSizeMB', 'MaxObjectSizeMB']))
  const pop = r.string(s, 'Pop') ?? DEFAULT_SERVER.pop
  if (pop === '') r.error(r.at(s, 'Pop'), 'must not be empty', pop)
  const host = r.string(s, 'Host') ?? DEFAULT_SERVER.host
  if (host === '') r.error(r.at(s, 'Host'), 'must not be empty', host)
  const geo = readGeoSource(r, s, sourceDir, host || DEFAULT_SERVER.host)
  const accessLog = readAccessLog(r, s, sourceDir)
  return {
    port: r.int(s, 'Port', { ...PORT, fallback: DEFAULT_SERVER.port }),
    host: host || DEFAULT_SERVER.host,
    adminPort: r.int(s, 'AdminPort', { ...PORT, fallback: DEFAULT_SERVER.adminPort }),
    tls: readTls(r, s, sourceDir),
    cache: {
      maxSizeMB: cache ? r.size(cache, 'MaxSizeMB', 256) : 256,
      maxObjectSizeMB: cache ? r.size(cache, 'MaxObjectSizeMB', 32) : 32,
    },
    pop: pop || DEFAULT_SERVER.pop,
    maxRequestBodyBytes: Math.round(r.size(s, 'MaxRequestBodyMB', 0) * MB),
    verifyOriginTls: r.bool(s, 'VerifyOriginTls', false),
    ...(geo === undefined ? {} : { geo }),
    ...(accessLog === undefined ? {} : { accessLog }),
  }
}

/** `AccessLog: { File, IncludeCookies }`; the file need not exist yet. */
function readAccessLog(r: Reader, s: Rec, sourceDir: string): ServerConfig['accessLog'] {
  const log = r.record(s, 'AccessLog')
  if (log === undefined) return undefined
  r.unknownKeys(log, new Set(['File', 'IncludeCookies']))
  const file = r.required(log, 'File')
  if (file === '') return undefined
  const abs = resolve(sourceDir, file)
  const stat = statSync(abs, { throwIfNoEntry: false })
  if (stat !== undefined && !stat.isFile())
    r.error(r.at(log, 'File'), `is not a file: ${abs}`, file)
  return { file: abs, includeCookies: r.bool(log, 'IncludeCookies', false) }
}

function readTls(r: Reader, s: Rec, sourceDir: string): ServerConfig['tls'] {
  const tls = r.record(s, 'Tls')
  if (tls === undefined) return undefined
  r.unknownKeys(tls, new Set(['Port', 'CertFile', 'KeyFile']))
  return {
    port: r.int(tls, 'Port', { ...PORT, fallback: 8443 }),
    certFile: readFile(r, tls, 'CertFile', sourceDir),
    keyFile: readFile(r, tls, 'KeyFile', sourceDir),
  }
}

function readFile(r: Reader, rec: Rec, key: string, sourceDir: string): string {
  const file = r.required(rec, key)
  if (file === '') return ''
  const abs = resolve(sourceDir, file)
  const stat = statSync(abs, { throwIfNoEntry: false })
  if (stat === undefined) r.error(r.at(rec, key), `file not found: ${abs}`, file)
  else if (!stat.isFile()) r.error(r.at(rec, key), `is not a file: ${abs}`, file)
  return abs
}
