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

describe('access lines on stdout', () => {
  let app: TestOrigin
  let cli: RunningCli

  /** The proxy of the export, both origins on `app`, logging at info, ports picked free. */
  const start = () => {
    const config = join(FIXTURES, 'aws-get-distribution-config.json')
    const ports = ['--port', '0', '--admin-port', '0']
    const origins = ['--origin', `app=${app.url}`, '--origin', `assets=${app.url}`]
    return startCli(['--config', config, ...ports, ...origins], 15_000, 'info')
  }

  before(async () => {
    app = await startOrigin((req, res) => res.end(`app ${req.url ?? ''}`))
    cli = await start()
  })
  after(async () => {
    cli.child.kill('SIGTERM')
    await cli.exited
    await app.close()
  })

  it("a single request's access line reaches stdout while the proxy runs (log-batch.ts)", async () => {
    const r = await request(`${cli.url}/api/one`)
    await r.body.text()
    const deadline = Date.now() + 3000
    let line: Record<string, unknown> | undefined
    while (line === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      line = jsonLines(cli.stdout()).find(
        (l) => l['msg'] === 'access' && l['cs-uri-stem'] === '/api/one',
      )
    }
    assert.ok(line, `no access line within 3 s; stdout: ${cli.stdout()}`)
    assert.equal(cli.child.exitCode, null, 'still running')
    assert.equal(line['sc-status'], 200)
  })

  it('SIGTERM right after a request: its access line and "stopped" are on stdout at exit', async () => {
    const own = await start()
    const r = await request(`${own.url}/api/last`)
    await r.body.text()
    own.child.kill('SIGTERM') // well within the batch's 100 ms
    assert.equal(await own.exited, 0)
    const lines = jsonLines(own.stdout())
    const access = lines.findIndex((l) => l['msg'] === 'access' && l['cs-uri-stem'] === '/api/last')
    const stopped = lines.findIndex((l) => l['msg'] === 'stopped')
    assert.ok(access >= 0, `no access line; stdout: ${own.stdout()}`)
    assert.ok(stopped > access, `no "stopped" after it; stdout: ${own.stdout()}`)
  })
})

/** The complete JSON lines of a stdout so far (a last, partial line is left out). */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}
