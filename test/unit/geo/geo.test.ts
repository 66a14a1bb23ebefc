// Geo restriction (spec §11.10) and the CIDR → country table behind Server.Geo (§3.5): the
// allow/deny decision table, address parsing, most-specific-block lookup over IPv4, IPv6 and
// IPv4-mapped IPv6, and the country source order (header, table, default).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  compileCountryTable,
  parseCidr,
  parseCidrFile,
  parseIp,
} from '../../../proxy/geo/cidr-table.js'
import { compileGeoRestriction, compileLocator } from '../../../proxy/geo/country.js'
import type { GeoRestrictionConfig } from '../../../proxy/config/types.js'

describe('geo restriction decision (§11.10)', () => {
  const rows: readonly [GeoRestrictionConfig['restrictionType'], string | undefined, boolean][] = [
    ['none', 'FR', false],
    ['none', 'US', false],
    ['none', undefined, false],
    ['whitelist', 'FR', false], // listed → allowed
    ['whitelist', 'US', true], // unlisted → refused
    ['whitelist', undefined, false], // unknown → allowed
    ['blacklist', 'FR', true], // listed → refused
    ['blacklist', 'US', false], // unlisted → allowed
    ['blacklist', undefined, false], // unknown → allowed
  ]
  for (const [type, country, blocked] of rows) {
    it(`${type} [FR, DE], viewer ${country ?? 'unknown'} → ${blocked ? 'refused' : 'allowed'}`, () => {
      const blocks = compileGeoRestriction({ restrictionType: type, locations: ['FR', 'DE'] })
      assert.equal(blocks?.(country) ?? false, blocked)
      if (type === 'none') assert.equal(blocks, undefined, 'none compiles to no check at all')
    })
  }
  it('no Restrictions at all compiles to no check', () => {
    assert.equal(compileGeoRestriction(undefined), undefined)
  })
})

describe('addresses and CIDR blocks', () => {
  const ips: readonly [string, 4 | 6 | undefined, bigint?][] = [
    ['127.0.0.1', 4, 0x7f000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['256.0.0.1', undefined],
    ['1.2.3', undefined],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['::ffff:10.1.2.3', 4, 0x0a010203n], // mapped → IPv4
    ['::ffff:a01:203', 4, 0x0a010203n], // mapped, hex form
    ['fe80::1%eth0', 6, (0xfe80n << 112n) | 1n], // zone id dropped
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['1::2::3', undefined],
    ['12345::', undefined],
  ]
  for (const [ip, version, value] of ips) {
    it(`parses ${ip}`, () => {
      const got = parseIp(ip)
      assert.equal(got?.version, version)
      if (value !== undefined) assert.equal(got?.value, value)
    })
  }
  const cidrs: readonly [string, string][] = [
    ['10.0.0.0/8', 'ok'],
    ['10.0.0.1/8', 'has bits set after the prefix'],
    ['10.0.0.0/33', 'prefix length must be 0–32'],
    ['2001:db8::/129', 'prefix length must be 0–128'],
    ['nonsense/8', 'not an IPv4 or IPv6 address'],
    ['::ffff:0:0/64', 'mixes mapped IPv4'],
  ]
  for (const [text, want] of cidrs) {
    it(`CIDR ${text}: ${want}`, () => {
      const got = parseCidr(text)
      if (want === 'ok') assert.equal(typeof got, 'object')
      else
        assert.match(
          typeof got === 'string' ? got : 'ok',
          new RegExp(want.replace(/[.*+?()[\]]/g, '\\$&')),
        )
    })
  }
  it('a mapped IPv6 block is the IPv4 block', () => {
    assert.deepEqual(parseCidr('::ffff:192.0.2.0/120'), parseCidr('192.0.2.0/24'))
  })
})

describe('CIDR table lookup', () => {
  const file = `# comment line
10.0.0.0/8,FR
10.1.0.0/16,DE      # nested: more specific
10.1.2.0/24,IT
10.1.2.3,ES
10.0.0.0/8,GB       # identical to line 2: the first line wins
192.168.0.0/16 , NL
2001:db8::/32,JP
2001:db8:1::/48,KR
::ffff:198.51.100.0/120,BR
`
  const { entries, problems } = parseCidrFile(file)
  const table = compileCountryTable(entries)
  it('parses every line', () => {
    assert.deepEqual(problems, [])
    assert.equal(table.size, 9)
  })
  const rows: readonly [string, string | undefined][] = [
    ['10.0.0.0', 'FR'],
    ['10.0.255.255', 'FR'],
    ['10.1.0.0', 'DE'],
    ['10.1.2.2', 'IT'],
    ['10.1.2.3', 'ES'],
    ['10.1.2.4', 'IT'],
    ['10.1.3.0', 'DE'],
    ['10.2.0.0', 'FR'],
    ['10.255.255.255', 'FR'],
    ['11.0.0.0', undefined],
    ['9.255.255.255', undefined],
    ['192.168.4.4', 'NL'],
    ['::ffff:10.1.2.3', 'ES'],
    ['::ffff:192.168.1.1', 'NL'],
    ['198.51.100.7', 'BR'],
    ['2001:db8::1', 'JP'],
    ['2001:db8:1::1', 'KR'],
    ['2001:db8:2::', 'JP'],
    ['2001:db9::', undefined],
    ['::1', undefined],
    ['not-an-ip', undefined],
  ]
  for (const [ip, country] of rows) {
    it(`${ip} → ${country ?? 'unknown'}`, () => assert.equal(table.lookup(ip), country))
  }
  it('reports bad lines with their numbers', () => {
    const bad = parseCidrFile('10.0.0.0/8,FR\n10.0.0.0/8\n1.2.3.4/8,FR\n5.0.0.0/8,fr\n')
    assert.deepEqual(
      bad.problems.map((p) => [p.line, p.message.split(' (')[0]]),
      [
        [2, 'must be `CIDR,CC`'],
        [3, 'has bits set after the prefix'],
        [4, 'the country must be two uppercase letters'],
      ],
    )
    assert.equal(bad.entries.length, 1)
  })
})

describe('country source order (§3.5)', () => {
  const { entries } = parseCidrFile('127.0.0.0/8,DE\n')
  const table = compileCountryTable(entries)
  const geo = (patch: object) =>
    compileLocator({
      countryHeader: undefined,
      cidrFile: undefined,
      table: undefined,
      defaultCountry: 'US',
      ...patch,
    })
  it('without Server.Geo every viewer is in US, computed once', () => {
    const l = compileLocator(undefined)
    assert.equal(l.fixed, true)
    assert.equal(l.locate({}, '10.0.0.1'), 'US')
  })
  it('the header wins, then the table, then the default', () => {
    const l = geo({ countryHeader: 'x-edge-test-country', table })
    assert.equal(l.fixed, false)
    assert.equal(l.locate({ 'x-edge-test-country': 'fr' }, '127.0.0.1'), 'FR')
    assert.equal(l.locate({ 'x-edge-test-country': 'nope' }, '127.0.0.1'), 'DE')
    assert.equal(l.locate({}, '127.0.0.1'), 'DE')
    assert.equal(l.locate({}, '10.0.0.1'), 'US')
  })
  it('an empty DefaultCountry leaves unplaced viewers unknown', () => {
    assert.equal(geo({ table, defaultCountry: undefined }).locate({}, '10.0.0.1'), undefined)
    assert.equal(geo({ defaultCountry: 'CA' }).fixed, true)
  })
})
