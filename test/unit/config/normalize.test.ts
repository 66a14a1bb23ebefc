// Normalization of the AWS API shape into the CloudFormation one (spec/cloudfront.md §1.1):
// list wrappers, renamed members, and the user's own paths kept for every node.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeFile } from '../../../proxy/config/normalize.js'
import type { Obj } from './helpers.js'

const distOf = (file: Obj): Obj => normalizeFile(file).distribution as Obj

describe('normalizeFile', () => {
  it('unwraps {Quantity, Items} recursively; a missing Items is []', () => {
    const d = distOf({
      DistributionConfig: {
        Aliases: { Quantity: 0 },
        CacheBehaviors: {
          Quantity: 1,
          Items: [
            {
              ForwardedValues: {
                Headers: { Quantity: 1, Items: ['Origin'] },
                Cookies: { Forward: 'whitelist', WhitelistedNames: { Quantity: 1, Items: ['s'] } },
              },
            },
          ],
        },
      },
    })
    assert.deepEqual(d['Aliases'], [])
    assert.deepEqual(d['CacheBehaviors'], [
      {
        ForwardedValues: {
          Headers: ['Origin'],
          Cookies: { Forward: 'whitelist', WhitelistedNames: ['s'] },
        },
      },
    ])
  })

  it('maps API-only names: CustomHeaders, OriginSslProtocols, AllowedMethods.CachedMethods', () => {
    const n = normalizeFile({
      DistributionConfig: {
        Origins: {
          Quantity: 1,
          Items: [
            {
              Id: 'a',
              CustomHeaders: { Quantity: 1, Items: [{ HeaderName: 'X', HeaderValue: 'v' }] },
              CustomOriginConfig: { OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] } },
            },
          ],
        },
        DefaultCacheBehavior: {
          AllowedMethods: {
            Quantity: 2,
            Items: ['GET', 'HEAD'],
            CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] },
          },
        },
      },
    })
    const d = n.distribution as Record<string, Obj[] & Obj>
    const o = d['Origins']?.[0] as Obj
    assert.deepEqual(o, {
      Id: 'a',
      OriginCustomHeaders: [{ HeaderName: 'X', HeaderValue: 'v' }],
      CustomOriginConfig: { OriginSSLProtocols: ['TLSv1.2'] },
    })
    const b = d['DefaultCacheBehavior'] as Obj
    assert.deepEqual(b, { AllowedMethods: ['GET', 'HEAD'], CachedMethods: ['GET', 'HEAD'] })
    assert.equal(
      n.paths.key(o, 'OriginCustomHeaders'),
      'DistributionConfig.Origins.Items[0].CustomHeaders',
    )
    assert.equal(
      n.paths.key(b, 'CachedMethods'),
      'DistributionConfig.DefaultCacheBehavior.AllowedMethods.CachedMethods',
    )
    assert.equal(
      n.paths.of(b['CachedMethods'] as object),
      'DistributionConfig.DefaultCacheBehavior.AllowedMethods.CachedMethods.Items',
    )
    assert.deepEqual(n.problems, [])
  })

  it('TrustedKeyGroups / TrustedSigners: {Enabled: false} is an empty list', () => {
    const d = distOf({
      DistributionConfig: {
        DefaultCacheBehavior: {
          TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: ['kg'] },
          TrustedSigners: { Enabled: false, Quantity: 1, Items: ['self'] },
        },
      },
    })
    assert.deepEqual(d['DefaultCacheBehavior'], { TrustedKeyGroups: ['kg'], TrustedSigners: [] })
  })

  it('GeoRestriction Items become Locations', () => {
    const d = distOf({
      DistributionConfig: {
        Restrictions: {
          GeoRestriction: { RestrictionType: 'blacklist', Quantity: 1, Items: ['FR'] },
        },
      },
    })
    assert.deepEqual(d['Restrictions'], {
      GeoRestriction: { RestrictionType: 'blacklist', Locations: ['FR'] },
    })
  })

  it('reports a name given in both shapes, a bad Quantity, Items that is not a list and unknown wrapper members', () => {
    const n = normalizeFile({
      DistributionConfig: {
        Origins: [{ Id: 'a', CustomHeaders: [], OriginCustomHeaders: [] }],
        Aliases: { Quantity: 'one', Items: [] },
        CustomErrorResponses: { Quantity: 1, Items: 'x' },
        CacheBehaviors: { Quantity: 0, Extra: true },
      },
    })
    assert.deepEqual(
      n.problems.map((p) => [p.severity, p.path]),
      [
        ['error', 'DistributionConfig.Origins[0].CustomHeaders'],
        ['error', 'DistributionConfig.Aliases.Quantity'],
        ['error', 'DistributionConfig.CustomErrorResponses.Items'],
        ['warning', 'DistributionConfig.CustomErrorResponses.Quantity'],
        ['warning', 'DistributionConfig.CacheBehaviors.Extra'],
      ],
    )
  })

  it('finds the distribution in each file shape', () => {
    const dist = { Origins: [], DefaultCacheBehavior: {} }
    assert.equal(normalizeFile({ DistributionConfig: dist }).distributionPath, 'DistributionConfig')
    assert.equal(normalizeFile({ ETag: 'E', DistributionConfig: dist }).etag, 'E')
    const got = normalizeFile({
      Distribution: { Id: 'E1', DomainName: 'd.cloudfront.net', DistributionConfig: dist },
    })
    assert.deepEqual(
      [got.distributionPath, got.distributionId, got.distributionDomain],
      ['Distribution.DistributionConfig', 'E1', 'd.cloudfront.net'],
    )
    assert.equal(normalizeFile(dist).distributionPath, '')
    assert.deepEqual(
      normalizeFile({ Wat: 1 }).problems.map((p) => p.path),
      ['Wat'],
    )
  })
})
