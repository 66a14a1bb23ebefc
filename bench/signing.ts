// The signed-URL hit scenario's key (bench/README.md, `proxy-hit-signed`): a throwaway RSA 2048
// key pair generated at bench start (never written to the repository), a far-future custom
// policy for `/signed/*` on any loopback port, and a copy of bench-config.yaml in a temp folder
// whose bench key group carries the fresh public key (other relative paths made absolute).
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse } from 'yaml'
import { signingAttributes } from '../proxy/cloudfront/sign.js'

export const BENCH_KEY_GROUP = 'bench-signing'
export const BENCH_KEY_ID = 'KBENCHSIGNING'
const TEN_YEARS_S = 10 * 365 * 24 * 3600

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })

/** `/signed/hit?Policy=…&Key-Pair-Id=…&Signature=…`, valid on any port of 127.0.0.1. */
export function signedHitPath(keyPairId = BENCH_KEY_ID): string {
  const policy = JSON.stringify({
    Statement: [
      {
        Resource: 'http://127.0.0.1:*/signed/*',
        Condition: {
          DateLessThan: { 'AWS:EpochTime': Math.floor(Date.now() / 1000) + TEN_YEARS_S },
        },
      },
    ],
  })
  const params = signingAttributes({ url: '', keyPairId, privateKey, policy })
  return `/signed/hit?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`
}

/** Writes the bench config with this run's public key into a temp folder; returns its path. */
export function writeSignedBenchConfig(config: string): string {
  const doc = parse(readFileSync(config, 'utf8')) as Record<string, unknown>
  absolutePaths(doc, dirname(config))
  const groups = Array.isArray(doc['KeyGroups']) ? (doc['KeyGroups'] as unknown[]) : []
  const group = groups.find((g) => isRecord(g) && g['Id'] === BENCH_KEY_GROUP)
  const keys: unknown = isRecord(group) ? group['PublicKeys'] : undefined
  const key: unknown = Array.isArray(keys) ? (keys as unknown[])[0] : undefined
  if (!isRecord(key) || key['Id'] !== BENCH_KEY_ID) {
    throw new Error(`${config}: KeyGroups needs ${BENCH_KEY_GROUP} with public key ${BENCH_KEY_ID}`)
  }
  delete key['EncodedKeyFile']
  key['EncodedKey'] = String(publicKey.export({ type: 'spki', format: 'pem' }))
  const file = join(mkdtempSync(join(tmpdir(), 'edgeproxy-bench-')), 'bench-config.json')
  writeFileSync(file, JSON.stringify(doc, null, 2))
  return file
}

function absolutePaths(node: unknown, base: string): void {
  if (Array.isArray(node)) for (const item of node) absolutePaths(item, base)
  if (!isRecord(node)) return
  for (const [k, v] of Object.entries(node)) {
    if (/File$/.test(k) && typeof v === 'string' && !isAbsolute(v)) node[k] = resolve(base, v)
    else absolutePaths(v, base)
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
