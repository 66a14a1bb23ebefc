// Spec §3.3 (Accept-Encoding normalization), one row per table row plus the notes below it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  acceptedEncodings,
  normalizeAcceptEncoding,
} from '../../../proxy/cloudfront/accept-encoding.js'

type Flags = 'gzip+br' | 'gzip' | 'br' | 'none'
type Row = [string, Flags, string | string[] | undefined, string, string | undefined]
const ROWS: readonly Row[] = [
  ['both enabled, viewer sends both', 'gzip+br', 'gzip, deflate, br', '1.1', 'br,gzip'],
  ['both enabled, order of the viewer does not matter', 'gzip+br', 'br, gzip', '2.0', 'br,gzip'],
  ['both enabled, only gzip', 'gzip+br', 'gzip', '1.1', 'gzip'],
  ['both enabled, only br', 'gzip+br', 'br', '1.1', 'br'],
  ['any flag, neither enabled token', 'gzip+br', 'deflate, zstd', '1.1', 'identity'],
  ['gzip only flag, neither token', 'gzip', 'br', '1.1', 'identity'],
  ['br only flag, neither token', 'br', 'gzip', '1.1', 'identity'],
  ['gzip flag, gzip with br', 'gzip', 'gzip, br', '1.1', 'gzip'],
  ['gzip flag, gzip alone', 'gzip', 'gzip', '1.1', 'gzip'],
  ['br flag, br with gzip', 'br', 'gzip, br', '1.1', 'br'],
  ['br flag, br alone', 'br', 'br', '1.1', 'br'],
  ['both flags off: ordinary header, not normalized', 'none', 'gzip, br', '1.1', undefined],
  ['absent header: not in key, not forwarded', 'gzip+br', undefined, '1.1', undefined],
  ['HTTP/1.0: removed entirely', 'gzip+br', 'gzip, br', '1.0', undefined],
  ['other tokens dropped', 'gzip+br', 'deflate, gzip, zstd, compress', '1.1', 'gzip'],
  ['tokens are case-insensitive', 'gzip+br', 'GZIP, Br', '1.1', 'br,gzip'],
  ['q=0 token ignored (UNCONFIRMED)', 'gzip+br', 'gzip;q=0, br', '1.1', 'br'],
  ['q=0.000 with spaces ignored', 'gzip+br', 'gzip ; q = 0.000', '1.1', 'identity'],
  ['q>0 token kept', 'gzip+br', 'gzip;q=0.5, br;q=0.1', '1.1', 'br,gzip'],
  ['several header lines', 'gzip+br', ['gzip', 'br'], '1.1', 'br,gzip'],
  ['substring is not a token', 'gzip+br', 'x-gzip, brotli', '1.1', 'identity'],
  ['empty value', 'gzip+br', '', '1.1', 'identity'],
]

describe('Accept-Encoding normalization (spec §3.3)', () => {
  for (const [name, flags, value, version, expected] of ROWS) {
    it(name, () => {
      const gzip = flags === 'gzip+br' || flags === 'gzip'
      const br = flags === 'gzip+br' || flags === 'br'
      assert.equal(normalizeAcceptEncoding(value, gzip, br, version), expected)
    })
  }

  it('acceptedEncodings reports the offered tokens', () => {
    assert.deepEqual(acceptedEncodings('br;q=1, gzip;q=0'), { gzip: false, br: true })
    assert.deepEqual(acceptedEncodings('*'), { gzip: false, br: false })
  })
})
