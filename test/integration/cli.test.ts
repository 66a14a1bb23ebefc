// The CLI's config contract (design.md §3): `validate` prints every problem with its path and
// exits 2; an AWS CLI `get-distribution-config` export loads and serves with --origin.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import { REPO, runCli, startCli, type RunningCli } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'

const FIXTURES = join(REPO, 'test', 'fixtures', 'config')

describe('edgeproxy validate', () => {
  it('a config with three mistakes → three errors with their paths, exit 2', async () => {
    const r = await runCli(['validate', '--config', join(FIXTURES, 'three-mistakes.yaml')])
    assert.equal(r.code, 2)
    const errors = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('warning:'))
    assert.equal(errors.length, 3, r.stderr)
    assert.match(
      errors.join('\n'),
      /DistributionConfig\.Origins\[0\]\.CustomOriginConfig\.HTTPPort: .*\(got 8\)/,
    )
    assert.match(
      errors.join('\n'),
      /DistributionConfig\.DefaultCacheBehavior\.ViewerProtocolPolicy: .*\(got "https-please"\)/,
    )
    assert.match(
      errors.join('\n'),
      /DistributionConfig\.CacheBehaviors\[1\]\.TargetOriginId: .*\(got "nowhere"\)/,
    )
    assert.equal(r.stdout, '')
  })

  it('a valid config → "valid", exit 0', async () => {
    const r = await runCli(['validate', '--config', join(REPO, 'config', 'distribution.yaml')])
    assert.equal(r.stdout, 'valid\n')
    assert.equal(r.code, 0)
  })

  it('start refuses an invalid config with the same errors, exit 2, nothing started', async () => {
    const r = await runCli([
      'start',
      '--config',
      join(FIXTURES, 'three-mistakes.yaml'),
      '--port',
      '0',
    ])
    assert.equal(r.code, 2)
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('warning:')).length,
      3,
    )
  })

  it('an unknown flag is a usage error, exit 2', async () => {
    const r = await runCli(['start', '--prot', '1'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--prot/)
  })
})

describe('an AWS CLI get-distribution-config export', () => {
  let app: TestOrigin
  let assets: TestOrigin
  let cli: RunningCli

  before(async () => {
    app = await startOrigin((req, res) => res.end(`app ${req.url ?? ''}`))
    assets = await startOrigin((req, res) => res.end(`assets ${req.url ?? ''}`))
    cli = await startCli([
      '--config',
      join(FIXTURES, 'aws-get-distribution-config.json'),
      '--port',
      '0',
      '--origin',
      `app=${app.url}`,
      '--origin',
      `assets=${assets.url}`,
    ])
  })
  after(async () => {
    cli.child.kill('SIGTERM')
    await cli.exited
    await app.close()
    await assets.close()
  })

  const ROWS: readonly [path: string, status: number, body: string | undefined][] = [
    ['/', 301, undefined], // the default behavior is redirect-to-https
    ['/api/users', 200, 'app /api/users'],
    ['/img/a/b.png', 200, 'assets /static/img/a/b.png'],
    ['/static/x.css', 403, undefined],
  ]
  for (const [path, status, body] of ROWS) {
    it(`serves ${path} → ${String(status)}`, async () => {
      const r = await request(`${cli.url}${path}`)
      assert.equal(r.statusCode, status)
      const text = await r.body.text()
      if (body !== undefined) assert.equal(text, body)
    })
  }
})
