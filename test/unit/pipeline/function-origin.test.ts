// Spec §1.4, §7.5: the origin a request goes to — a behavior's origin group keeps its
// secondary through updateRequestOrigin (only the primary changes), selectRequestOriginById
// leaves the group, and createRequestOriginGroup builds an ad-hoc group whose members and
// failover codes are checked like a configured one's (a message → the function's 502).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OriginSelection } from '../../../functions/viewer/types.js'
import type { CompiledDistribution, CompiledTarget } from '../../../proxy/config/compile.js'
import type { CustomOriginConfig } from '../../../proxy/config/types.js'
import {
  chooseOrigin,
  targetOrigin,
  type ChosenOrigin,
} from '../../../proxy/pipeline/function-origin.js'
import { customOrigin } from '../../helpers/origin-config.js'

const origin = (id: string): CustomOriginConfig => customOrigin(id, `${id}.example`)
const A = origin('a')
const B = origin('b')
const C = origin('c')
// chooseOrigin reads only the origins of the distribution.
const dist = {
  origins: new Map([A, B, C].map((o) => [o.id, o])),
} as unknown as CompiledDistribution

const groupTarget: CompiledTarget = {
  kind: 'group',
  group: { id: 'g', primaryOriginId: 'a', secondaryOriginId: 'b', failoverStatusCodes: [503] },
  primary: A,
  secondary: B,
}
const group = (originIds: string[], statusCodes: number[] = [503]): OriginSelection => ({
  kind: 'group',
  originIds,
  statusCodes,
})

function chosen(base: ChosenOrigin, ...s: OriginSelection[]): ChosenOrigin {
  const out = chooseOrigin(dist, base, s)
  if (typeof out === 'string') assert.fail(out)
  return out
}

describe('origin choice with groups (spec §1.4, §7.5)', () => {
  it('a behavior origin has no group; a behavior group has its secondary and codes', () => {
    assert.equal(targetOrigin({ kind: 'origin', origin: A }).group, undefined)
    const t = targetOrigin(groupTarget)
    assert.equal(t.origin, A)
    assert.deepEqual(t.group, { id: 'g', secondary: B, statusCodes: [503] })
  })

  it('updateRequestOrigin on a group changes the primary only', () => {
    const c = chosen(targetOrigin(groupTarget), {
      kind: 'update',
      props: { domainName: 'new.example', hostHeader: 'h.example' },
    })
    assert.equal(c.origin.kind === 'custom' ? c.origin.domainName : '', 'new.example')
    assert.equal(c.hostHeader, 'h.example')
    assert.equal(c.group?.secondary, B)
  })

  it('selectRequestOriginById leaves the group', () => {
    const c = chosen(targetOrigin(groupTarget), { kind: 'select', originId: 'c' })
    assert.equal(c.origin, C)
    assert.equal(c.group, undefined)
  })

  it('createRequestOriginGroup builds an ad-hoc group, primary first', () => {
    const c = chosen(targetOrigin({ kind: 'origin', origin: C }), group(['b', 'a'], [404, 500]))
    assert.equal(c.origin, B)
    assert.equal(c.hostHeader, undefined)
    assert.deepEqual(c.group, { id: 'function:b,a', secondary: A, statusCodes: [404, 500] })
  })

  const BAD: readonly [string, OriginSelection, RegExp][] = [
    ['an unknown primary', group(['x', 'a']), /no origin with Id "x"/],
    ['an unknown secondary', group(['a', 'y']), /no origin with Id "y"/],
    ['three origins', group(['a', 'b', 'c']), /exactly two originIds/],
    ['the same origin twice', group(['a', 'a']), /must be different origins/],
    ['a code outside the allowed list', group(['a', 'b'], [503, 501]), /501 is not one of/],
  ]
  for (const [what, selection, message] of BAD) {
    it(`createRequestOriginGroup with ${what} is the function's error`, () => {
      const out = chooseOrigin(dist, targetOrigin({ kind: 'origin', origin: C }), [selection])
      if (typeof out !== 'string') assert.fail('expected an error message')
      assert.match(out, message)
    })
  }
})
