// `edgeproxy sign` (design.md §3): the signed URL it prints is accepted by a running proxy
// (canned and custom policy, SHA-1 and SHA-256); --cookies prints one Set-Cookie line per
// cookie; bad arguments exit 2 with a message on stderr.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { runCli } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

describe('edgeproxy sign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-sign-'))
  const keyFile = join(dir, 'private.pem')
  const policyFile = join(dir, 'policy.json')
  let origin: TestOrigin
  let proxy: Edgeproxy
  const later = String(Math.round(Date.now() / 1000) + 3600)

  before(async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    origin = await startOrigin()
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o', { TrustedKeyGroups: ['kg'] }),
      },
      KeyGroups: [
        {
          Id: 'kg',
          PublicKeys: [
            { Id: 'KCLI', EncodedKey: String(publicKey.export({ type: 'spki', format: 'pem' })) },
          ],
        },
      ],
    })
    writeFileSync(
      policyFile,
      JSON.stringify(
        {
          Statement: [
            {
              Resource: `${proxy.url}/docs/*`,
              Condition: { DateLessThan: { 'AWS:EpochTime': Number(later) } },
            },
          ],
        },
        null,
        2,
      ),
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const sign = (...extra: string[]) =>
    runCli(['sign', '--key-pair-id', 'KCLI', '--private-key', keyFile, ...extra])

  for (const alg of ['SHA1', 'SHA256']) {
    it(`prints a canned-policy URL the proxy accepts (${alg})`, async () => {
      const url = `${proxy.url}/docs/a.txt?v=1`
      const r = await sign('--url', url, '--expires', later, '--hash-algorithm', alg)
      assert.equal(r.code, 0, r.stderr)
      const signed = r.stdout.trim()
      assert.equal(r.stdout, `${signed}\n`, 'the URL alone on stdout')
      assert.ok(signed.startsWith(`${url}&Expires=${later}&Key-Pair-Id=KCLI&Signature=`))
      assert.equal(signed.endsWith('&Hash-Algorithm=SHA256'), alg === 'SHA256')
      const res = await request(signed)
      assert.equal(res.statusCode, 200)
      assert.equal(await res.body.text(), 'origin saw /docs/a.txt?v=1')
    })
  }

  it('prints a custom-policy URL the proxy accepts (--policy FILE)', async () => {
    const r = await sign('--url', `${proxy.url}/docs/b.txt`, '--policy', policyFile)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /\?Policy=[A-Za-z0-9\-_~]+&Key-Pair-Id=KCLI&Signature=/)
    const res = await request(r.stdout.trim())
    assert.equal(res.statusCode, 200)
    await res.body.dump()
  })

  it('--cookies prints one Set-Cookie line per cookie, accepted as cookies', async () => {
    const url = `${proxy.url}/docs/c.txt`
    const r = await sign(
      '--url',
      url,
      '--expires',
      later,
      '--cookies',
      '--hash-algorithm',
      'SHA256',
    )
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trimEnd().split('\n')
    assert.deepEqual(
      lines.map((l) => /^Set-Cookie: ([\w-]+)=[^;]+; Path=\/; Secure; HttpOnly$/.exec(l)?.[1]),
      [
        'CloudFront-Expires',
        'CloudFront-Key-Pair-Id',
        'CloudFront-Signature',
        'CloudFront-Hash-Algorithm',
      ],
    )
    const cookie = lines.map((l) => l.slice('Set-Cookie: '.length).split(';')[0]).join('; ')
    const res = await request(url, { headers: { cookie } })
    assert.equal(res.statusCode, 200)
    await res.body.dump()
  })

  const bad: readonly (readonly [string, readonly string[], RegExp])[] = [
    ['no --url', ['--expires', '9999999999'], /sign needs --url/],
    ['a relative --url', ['--url', '/x', '--expires', '9999999999'], /--url takes/],
    ['neither --expires nor --policy', ['--url', 'http://h/x'], /exactly one of --expires/],
    [
      'both --expires and --policy',
      ['--url', 'http://h/x', '--expires', '9', '--policy', 'p.json'],
      /exactly one of --expires/,
    ],
    ['a date for --expires', ['--url', 'http://h/x', '--expires', '2030-01-01'], /epoch seconds/],
    [
      'an unknown hash algorithm',
      ['--url', 'http://h/x', '--expires', '9999999999', '--hash-algorithm', 'MD5'],
      /SHA1 or SHA256/,
    ],
    [
      'a missing policy file',
      ['--url', 'http://h/x', '--policy', '/nonexistent/p.json'],
      /--policy/,
    ],
  ]
  for (const [rule, args, message] of bad) {
    it(`exit 2: ${rule}`, async () => {
      const r = await sign(...args)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, message)
    })
  }

  it('exit 2: a private key file that is not a key', async () => {
    const r = await runCli([
      'sign',
      ...['--url', 'http://h/x', '--expires', '9999999999', '--key-pair-id', 'K'],
      ...['--private-key', policyFile],
    ])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /cannot read the private key/)
  })

  it('exit 2: a policy without DateLessThan', async () => {
    const file = join(dir, 'bad-policy.json')
    writeFileSync(file, JSON.stringify({ Statement: [{ Resource: '*', Condition: {} }] }))
    const r = await sign('--url', 'http://h/x', '--policy', file)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /invalid policy: DateLessThan/)
  })
})
