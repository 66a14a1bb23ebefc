// CloudFront's standard log format (spec §11.8): field order, header lines, value encoding,
// missing values, time and range fields — one row per rule.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dateAndTime,
  encodeValue,
  formatW3cLine,
  rangeOf,
  seconds,
  W3C_FIELDS,
  w3cHeader,
  type AccessRecord,
} from '../../../proxy/cloudfront/access-log.js'

describe('W3C access log format (spec §11.8)', () => {
  it('has CloudFront’s 33 fields in order', () => {
    assert.equal(W3C_FIELDS.length, 33)
    assert.deepEqual(
      [
        W3C_FIELDS[0],
        W3C_FIELDS[3],
        W3C_FIELDS[12],
        W3C_FIELDS[22],
        W3C_FIELDS[28],
        W3C_FIELDS[32],
      ],
      [
        'date',
        'sc-bytes',
        'cs(Cookie)',
        'x-edge-response-result-type',
        'x-edge-detailed-result-type',
        'sc-range-end',
      ],
    )
  })

  it('opens a file with #Version and #Fields lines', () => {
    const [version, fields, rest] = w3cHeader().split('\n')
    assert.equal(version, '#Version: 1.0')
    assert.equal(fields, `#Fields: ${W3C_FIELDS.join(' ')}`)
    assert.equal(rest, '')
  })

  const encodings: [string, string, string][] = [
    ['plain value kept', '/img/a.png', '/img/a.png'],
    ['space', 'Mozilla/5.0 (X11)', 'Mozilla/5.0%20(X11)'],
    ['tab and newline', 'a\tb\nc', 'a%09b%0Ac'],
    ['quote, hash, percent', '"#%', '%22%23%25'],
    ['braces, pipe, backslash, caret, tilde', '{}|\\^~', '%7B%7D%7C%5C%5E%7E'],
    ['brackets, backtick, apostrophe, angle brackets', "[]`'<>", '%5B%5D%60%27%3C%3E'],
    ['non-ASCII as UTF-8 bytes', 'é', '%C3%A9'],
    ['DEL', '\u007f', '%7F'],
    ['query characters kept', 'a=1&b=2', 'a=1&b=2'],
  ]
  for (const [name, input, want] of encodings) {
    it(`encodes values: ${name}`, () => assert.equal(encodeValue(input), want))
  }

  it('writes - for missing or empty values and numbers as they are', () => {
    const record = Object.fromEntries(W3C_FIELDS.map((f) => [f, undefined])) as Record<
      string,
      string | number | undefined
    >
    record['sc-status'] = 200
    record['cs-uri-query'] = ''
    record['cs(User-Agent)'] = 'curl/8 x'
    const line = formatW3cLine(record as AccessRecord)
    assert.ok(line.endsWith('\n'))
    const cells = line.slice(0, -1).split('\t')
    assert.equal(cells.length, 33)
    assert.equal(cells[W3C_FIELDS.indexOf('sc-status')], '200')
    assert.equal(cells[W3C_FIELDS.indexOf('cs-uri-query')], '-')
    assert.equal(cells[W3C_FIELDS.indexOf('cs(User-Agent)')], 'curl/8%20x')
    assert.equal(cells[0], '-')
  })

  it('writes date and time in UTC', () => {
    assert.deepEqual(dateAndTime(Date.UTC(2026, 10, 24, 7, 8, 9, 999)), {
      date: '2026-11-24',
      time: '07:08:09',
    })
  })

  const times: [number, string][] = [
    [0, '0.000'],
    [1, '0.001'],
    [1, '0.001'], // again: from the cache of whole milliseconds
    [999, '0.999'],
    [1000, '1.000'],
    [1234, '1.234'],
    [12.5, '0.013'],
    [-5, '0.000'],
  ]
  for (const [ms, want] of times) {
    it(`writes ${String(ms)} ms as ${want} s`, () => assert.equal(seconds(ms), want))
  }

  const ranges: [string | undefined, [number, number] | undefined][] = [
    ['bytes 0-99/1000', [0, 99]],
    ['bytes 500-999/*', [500, 999]],
    ['bytes */1000', undefined],
    [undefined, undefined],
  ]
  for (const [header, want] of ranges) {
    it(`reads sc-range-start/end from ${String(header)}`, () =>
      assert.deepEqual(rangeOf(header), want))
  }
})
