// Config rules of geo restriction (spec §1.6, §11.10), Server.Geo (§3.5) and the
// JwtAuthorizers extension: each bad shape yields exactly the listed errors with the user's
// path; good files load with the values the pipeline uses.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import { formatProblem, loadConfigFile } from '../../../proxy/config/load.js'
import { cacheBehavior, config, errorsOf, TempDir, warningsOf, type Obj } from './helpers.js'

const G = 'DistributionConfig.Restrictions.GeoRestriction'
const J = 'JwtAuthorizers[0]'
const geo = (g: Obj): Obj => config({ Restrictions: { GeoRestriction: g } })
const auth = (patch: Obj = {}): Obj => ({
  Name: 'users',
  JwksFile: 'jwks.json',
  Issuer: 'https://issuer.example',
  Audience: 'api',
  ...patch,
})
const withAuth = (patch: Obj = {}, behaviorAuth = 'users'): Obj =>
  config(
    { CacheBehaviors: [cacheBehavior('/api/*', { JwtAuthorizer: behaviorAuth })] },
    { JwtAuthorizers: [auth(patch)] },
  )

interface Row {
  readonly rule: string
  readonly file: Obj
  readonly errors: readonly (readonly [string, string])[]
}

const ROWS: readonly Row[] = [
  {
    rule: 'RestrictionType is CloudFront’s word (allowlist gets a hint)',
    file: geo({ RestrictionType: 'allowlist', Locations: ['FR'] }),
    errors: [[`${G}.RestrictionType`, 'CloudFront calls an allow-list whitelist']],
  },
  {
    rule: 'RestrictionType is required',
    file: geo({ Locations: ['FR'] }),
    errors: [[`${G}.RestrictionType`, 'is required']],
  },
  {
    rule: 'codes are two uppercase letters',
    file: geo({ RestrictionType: 'whitelist', Locations: ['FR', 'fr', 'FRA', 7] }),
    errors: [
      [`${G}.Locations[1]`, 'use uppercase'],
      [`${G}.Locations[2]`, 'ISO-3166-1 alpha-2'],
      [`${G}.Locations[3]`, 'ISO-3166-1 alpha-2'],
    ],
  },
  {
    rule: 'whitelist and blacklist need a list',
    file: geo({ RestrictionType: 'blacklist' }),
    errors: [[`${G}.Locations`, 'at least one country']],
  },
  {
    rule: 'Locations must be a list',
    file: geo({ RestrictionType: 'whitelist', Locations: 'FR' }),
    errors: [
      [`${G}.Locations`, 'must be a list'],
      [`${G}.Locations`, 'at least one country'],
    ],
  },
  {
    rule: 'API shape: codes are reported under Items',
    file: geo({ RestrictionType: 'whitelist', Quantity: 1, Items: ['fra'] }),
    errors: [
      [`${G}.Items[0]`, 'ISO-3166-1 alpha-2'],
      [`${G}.Items`, 'at least one country'],
    ],
  },
  {
    rule: 'Server.Geo.CidrFile must exist',
    file: config({}, { Server: { Geo: { CidrFile: 'nope.csv' } } }),
    errors: [['Server.Geo.CidrFile', 'file not found']],
  },
  {
    rule: 'Server.Geo.CidrFile lines are checked, with their numbers',
    file: config({}, { Server: { Geo: { CidrFile: 'bad.csv' } } }),
    errors: [
      ['Server.Geo.CidrFile', 'line 2: must be `CIDR,CC`'],
      ['Server.Geo.CidrFile', 'line 3: not an IPv4 or IPv6 address'],
    ],
  },
  {
    rule: 'Server.Geo.DefaultCountry is a code or empty',
    file: config({}, { Server: { Geo: { DefaultCountry: 'usa' } } }),
    errors: [['Server.Geo.DefaultCountry', 'two uppercase letters']],
  },
  {
    rule: 'Server.Geo.CountryHeader is a header name',
    file: config({}, { Server: { Geo: { CountryHeader: 'x country' } } }),
    errors: [['Server.Geo.CountryHeader', 'header name']],
  },
  {
    rule: 'JwksFile and JwksUrl exclude each other',
    file: withAuth({ JwksUrl: 'https://keys.example/jwks.json' }),
    errors: [[`${J}.JwksUrl`, 'not both']],
  },
  {
    rule: 'a key set is required',
    file: withAuth({ JwksFile: undefined }),
    errors: [[`${J}.JwksFile`, 'is required (or JwksUrl)']],
  },
  {
    rule: 'JwksFile must exist',
    file: withAuth({ JwksFile: 'missing.json' }),
    errors: [[`${J}.JwksFile`, 'file not found']],
  },
  {
    rule: 'JwksFile holds public keys only',
    file: withAuth({ JwksFile: 'private.json' }),
    errors: [[`${J}.JwksFile`, 'private or symmetric key material (d)']],
  },
  {
    rule: 'JwksFile must be a JWKS',
    file: withAuth({ JwksFile: 'not-jwks.json' }),
    errors: [[`${J}.JwksFile`, 'must hold a JWKS']],
  },
  {
    rule: 'JwksUrl is an http(s) URL',
    file: withAuth({ JwksFile: undefined, JwksUrl: 'ftp://keys.example/' }),
    errors: [[`${J}.JwksUrl`, 'http(s) URL']],
  },
  {
    rule: 'Issuer and Audience are required',
    file: withAuth({ Issuer: undefined, Audience: [] }),
    errors: [
      [`${J}.Issuer`, 'is required'],
      [`${J}.Audience`, 'must not be empty'],
    ],
  },
  {
    rule: 'Algorithms are public-key algorithms',
    file: withAuth({ Algorithms: ['ES256', 'HS256', 'none'] }),
    errors: [
      [`${J}.Algorithms[1]`, 'public-key algorithms'],
      [`${J}.Algorithms[2]`, 'public-key algorithms'],
    ],
  },
  {
    rule: 'a behavior names a known authorizer',
    file: withAuth({}, 'admins'),
    errors: [['DistributionConfig.CacheBehaviors[0].JwtAuthorizer', 'names no entry']],
  },
  {
    rule: 'names are unique',
    file: config({}, { JwtAuthorizers: [auth(), auth()] }),
    errors: [['JwtAuthorizers[1].Name', 'names another authorizer']],
  },
  {
    rule: 'RequiredClaims values are scalars',
    file: withAuth({ RequiredClaims: { role: ['a'] }, ClockToleranceSeconds: -1 }),
    errors: [
      [`${J}.ClockToleranceSeconds`, 'from 0 to 600'],
      [`${J}.RequiredClaims.role`, 'string, number or boolean'],
    ],
  },
]

describe('config rules: geo restriction, Server.Geo, JwtAuthorizers', () => {
  const tmp = new TempDir()
  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
    const pub = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
    const priv = { ...(await exportJWK(privateKey)), kid: 'k1' }
    writeFileSync(join(tmp.dir, 'jwks.json'), JSON.stringify({ keys: [pub] }))
    writeFileSync(join(tmp.dir, 'private.json'), JSON.stringify({ keys: [priv] }))
    writeFileSync(join(tmp.dir, 'not-jwks.json'), JSON.stringify([pub]))
    writeFileSync(join(tmp.dir, 'bad.csv'), '10.0.0.0/8,FR\n10.0.0.0/8\nten/8,FR\n')
    writeFileSync(join(tmp.dir, 'geo.csv'), '127.0.0.0/8,DE\n::1/128,DE\n')
  })
  after(() => tmp.remove())

  for (const row of ROWS) {
    it(row.rule, () => {
      const errors = errorsOf(tmp.problems(row.file))
      assert.deepEqual(
        errors.map((e) => e.path),
        row.errors.map(([path]) => path),
        errors.map(formatProblem).join('\n'),
      )
      errors.forEach((e, i) => {
        const part = row.errors[i]?.[1] ?? ''
        assert.ok(
          e.message.includes(part),
          `${formatProblem(e)} should say ${JSON.stringify(part)}`,
        )
      })
    })
  }

  it('a good file loads the values the pipeline uses', () => {
    const file = tmp.write(
      config(
        {
          Restrictions: { GeoRestriction: { RestrictionType: 'blacklist', Locations: ['FR'] } },
          CacheBehaviors: [cacheBehavior('/api/*', { JwtAuthorizer: 'users' })],
        },
        {
          Server: { Geo: { CountryHeader: 'X-Edge-Test-Country', CidrFile: 'geo.csv' } },
          JwtAuthorizers: [auth({ Audience: ['api', 'web'], TokenCookie: 'session' })],
        },
      ),
    )
    const { config: c, warnings } = loadConfigFile(file)
    assert.deepEqual(warnings.map(formatProblem), [])
    assert.deepEqual(c.distribution.geoRestriction, {
      restrictionType: 'blacklist',
      locations: ['FR'],
    })
    assert.equal(c.server.geo?.countryHeader, 'x-edge-test-country')
    assert.equal(c.server.geo.defaultCountry, 'US')
    assert.equal(c.server.geo.table?.lookup('127.0.0.1'), 'DE')
    assert.equal(c.distribution.behaviors[0]?.jwtAuthorizer, 'users')
    const a = c.jwtAuthorizers?.[0]
    assert.deepEqual(
      [a?.name, a?.jwks.kind, a?.issuers, a?.audiences, a?.tokenHeader, a?.tokenCookie],
      ['users', 'file', ['https://issuer.example'], ['api', 'web'], 'authorization', 'session'],
    )
    assert.deepEqual(a?.algorithms, ['RS256', 'ES256'])
  })

  it('warns where geo settings surprise', () => {
    const w = (f: Obj) => warningsOf(tmp.problems(f)).map((p) => `${p.path}: ${p.message}`)
    assert.deepEqual(w(geo({ RestrictionType: 'whitelist', Locations: ['FR'] })), [
      `${G}.RestrictionType: refuses every request: without Server.Geo every viewer counts as US`,
    ])
    assert.deepEqual(w(geo({ RestrictionType: 'whitelist', Locations: ['US', 'FR'] })), [])
    assert.deepEqual(w(geo({ RestrictionType: 'none', Locations: ['FR'] })), [
      `${G}.Locations: is ignored: RestrictionType is none`,
    ])
    const pub = w(config({}, { Server: { Host: '0.0.0.0', Geo: { CountryHeader: 'X-C' } } }))
    assert.equal(pub.length, 1)
    assert.match(pub[0] ?? '', /^Server\.Geo\.CountryHeader: lets every viewer choose/)
    assert.deepEqual(w(withAuth({ JwksFile: undefined, JwksUrl: 'http://keys.example/' })), [
      `${J}.JwksUrl: is fetched over plain http: anyone on the path can swap the keys; use https`,
    ])
  })
})
