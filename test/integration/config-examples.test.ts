// Every config the README points users at passes `edgeproxy validate` as shipped (design.md §3
// "validate"): the default distribution and config/examples/*.yaml. signed-urls.yaml names a
// key file the user generates first (its header says how), so it is checked after writing one;
// https.yaml names a certificate the user makes with openssl (https.test.ts covers TLS).
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { REPO, runCli } from '../helpers/cli.js'

const EXAMPLES = join(REPO, 'config/examples')
const files = [
  join(REPO, 'config/distribution.yaml'),
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml') && f !== 'signed-urls.yaml' && f !== 'https.yaml')
    .map((f) => join(EXAMPLES, f)),
]

describe('shipped configs validate', () => {
  for (const file of files) {
    it(file.slice(REPO.length), async () => {
      const r = await runCli(['validate', '--config', file])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout.trim(), 'valid')
    })
  }

  it('config/examples/signed-urls.yaml, once its public key exists', async () => {
    const keys = join(EXAMPLES, 'keys')
    const created = !readdirSync(EXAMPLES).includes('keys')
    mkdirSync(keys, { recursive: true })
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    })
    const file = join(keys, 'public.pem')
    writeFileSync(file, pem, { flag: 'wx' })
    try {
      const r = await runCli(['validate', '--config', join(EXAMPLES, 'signed-urls.yaml')])
      assert.equal(r.code, 0, r.stderr)
    } finally {
      rmSync(created ? keys : file, { recursive: true, force: true })
    }
  })
})
