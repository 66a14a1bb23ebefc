// KeyGroups (spec §6.1; design.md §3 "Key groups"): each mistake is reported with the user's
// path — missing Id, bad PEM, a key of the wrong kind or size, both or neither of EncodedKey /
// EncodedKeyFile, a behavior naming an unknown group or too many — and good keys are imported.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadConfigFile } from '../../../proxy/config/load.js'
import { compileDistribution } from '../../../proxy/config/compile.js'
import { config, errorsOf, TempDir, warningsOf, type Obj } from './helpers.js'

const spki = (k: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  String(k.export({ type: 'spki', format: 'pem' }))
const RSA = spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)
const EC = spki(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey)
const RSA_1024 = spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)
const P384 = spki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey)
const PRIVATE = String(
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }),
)

const signed = (groups: unknown, keyGroups: unknown): Obj =>
  config({ DefaultCacheBehavior: { TrustedKeyGroups: groups } }, { KeyGroups: keyGroups })
const KG = (keys: unknown[], extra: Obj = {}) => ({ Id: 'kg', PublicKeys: keys, ...extra })

describe('KeyGroups (spec §6.1)', () => {
  const tmp = new TempDir()
  writeFileSync(join(tmp.dir, 'ec.pem'), EC)
  after(() => tmp.remove())

  const rows: readonly {
    rule: string
    file: Obj
    errors: readonly (readonly [string, string])[]
  }[] = [
    {
      rule: 'missing Id',
      file: signed([], [{ PublicKeys: [{ Id: 'K1', EncodedKey: RSA }] }]),
      errors: [['KeyGroups[0].Id', 'is required']],
    },
    {
      rule: 'duplicate group Id',
      file: signed(
        ['kg'],
        [KG([{ Id: 'K1', EncodedKey: RSA }]), KG([{ Id: 'K2', EncodedKey: EC }])],
      ),
      errors: [['KeyGroups[1].Id', 'is used by another key group']],
    },
    {
      rule: 'no public keys',
      file: signed(['kg'], [KG([])]),
      errors: [['KeyGroups[0].PublicKeys', 'must hold 1–5 public keys']],
    },
    {
      rule: 'six public keys',
      file: signed(['kg'], [KG([1, 2, 3, 4, 5, 6].map((i) => ({ Id: `K${i}`, EncodedKey: EC })))]),
      errors: [['KeyGroups[0].PublicKeys', 'must hold 1–5 public keys']],
    },
    {
      rule: 'bad PEM',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKey: 'hello' }])]),
      errors: [['KeyGroups[0].PublicKeys[0].EncodedKey', 'is not a PEM public key']],
    },
    {
      rule: 'RSA 1024',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKey: RSA_1024 }])]),
      errors: [['KeyGroups[0].PublicKeys[0].EncodedKey', '(got RSA 1024-bit)']],
    },
    {
      rule: 'EC P-384',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKey: P384 }])]),
      errors: [['KeyGroups[0].PublicKeys[0].EncodedKey', '(got EC secp384r1)']],
    },
    {
      rule: 'a private key',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKey: PRIVATE }])]),
      errors: [['KeyGroups[0].PublicKeys[0].EncodedKey', 'is a private key']],
    },
    {
      rule: 'both EncodedKey and EncodedKeyFile',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKey: EC, EncodedKeyFile: 'ec.pem' }])]),
      errors: [['KeyGroups[0].PublicKeys[0]', 'exactly one of EncodedKey or EncodedKeyFile']],
    },
    {
      rule: 'neither EncodedKey nor EncodedKeyFile',
      file: signed(['kg'], [KG([{ Id: 'K1' }])]),
      errors: [['KeyGroups[0].PublicKeys[0]', 'exactly one of EncodedKey or EncodedKeyFile']],
    },
    {
      rule: 'missing key file',
      file: signed(['kg'], [KG([{ Id: 'K1', EncodedKeyFile: 'nope.pem' }])]),
      errors: [['KeyGroups[0].PublicKeys[0].EncodedKeyFile', 'cannot read nope.pem']],
    },
    {
      rule: 'key Id used twice in a group',
      file: signed(
        ['kg'],
        [
          KG([
            { Id: 'K1', EncodedKey: EC },
            { Id: 'K1', EncodedKey: RSA },
          ]),
        ],
      ),
      errors: [['KeyGroups[0].PublicKeys[1].Id', 'is used twice']],
    },
    {
      rule: 'unknown key group in a behavior',
      file: signed(['kg', 'nope'], [KG([{ Id: 'K1', EncodedKey: EC }])]),
      errors: [
        ['DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups[1]', 'names no key group'],
      ],
    },
    {
      rule: 'more than 4 key groups in a behavior',
      file: signed(
        ['a', 'b', 'c', 'd', 'e'],
        ['a', 'b', 'c', 'd', 'e'].map((Id) => ({
          Id,
          PublicKeys: [{ Id: `K${Id}`, EncodedKey: EC }],
        })),
      ),
      errors: [
        ['DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups', 'at most 4 key groups'],
      ],
    },
  ]
  for (const row of rows) {
    it(row.rule, () => {
      const errors = errorsOf(tmp.problems(row.file))
      assert.deepEqual(
        errors.map((p) => p.path),
        row.errors.map(([path]) => path),
        JSON.stringify(errors),
      )
      row.errors.forEach(([, part], i) =>
        assert.match(errors[i]!.message, new RegExp(escape(part))),
      )
    })
  }

  it('imports EncodedKey and EncodedKeyFile keys, compiled per behavior by Key-Pair-Id', () => {
    const file = tmp.write(
      signed(
        ['kg'],
        [
          KG(
            [
              { Id: 'K1', EncodedKey: RSA },
              { Id: 'K2', EncodedKeyFile: 'ec.pem' },
            ],
            { Name: 'n' },
          ),
        ],
      ),
    )
    const { config: c, warnings } = loadConfigFile(file)
    assert.deepEqual(warnings, [])
    assert.deepEqual([...(c.keyGroupKeys.get('kg')?.keys() ?? [])], ['K1', 'K2'])
    const d = compileDistribution(c)
    assert.deepEqual(d.defaultBehavior.signedUrls?.keyIds, ['K1', 'K2'])
  })

  it('legacy TrustedSigners trust every KeyGroup key; with none, a warning', () => {
    const withKeys = tmp.write(
      config(
        { DefaultCacheBehavior: { TrustedSigners: ['self'] } },
        {
          KeyGroups: [
            KG([{ Id: 'K1', EncodedKey: EC }]),
            { Id: 'kg2', PublicKeys: [{ Id: 'K2', EncodedKey: RSA }] },
          ],
        },
      ),
    )
    const d = compileDistribution(loadConfigFile(withKeys).config)
    assert.deepEqual(d.defaultBehavior.signedUrls?.keyIds, ['K1', 'K2'])
    const none = tmp.problems(config({ DefaultCacheBehavior: { TrustedSigners: ['self'] } }))
    assert.deepEqual(errorsOf(none), [])
    assert.deepEqual(
      warningsOf(none).map((p) => p.path),
      ['DistributionConfig.DefaultCacheBehavior.TrustedSigners'],
    )
  })

  it('a behavior without trusted keys has no verifier', () => {
    const d = compileDistribution(loadConfigFile(tmp.write(config())).config)
    assert.equal(d.defaultBehavior.signedUrls, undefined)
  })
})

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
