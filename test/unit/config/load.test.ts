// The loader's public API (design.md §3 `validate` and `start --origin`): problem formatting,
// file reading and parsing, ConfigError carrying every error, and origin overrides.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { ConfigError } from '../../../proxy/errors.js'
import { checkConfigFile, formatProblem, loadConfigFile } from '../../../proxy/config/load.js'
import { config, errorsOf, origin, TempDir } from './helpers.js'

describe('formatProblem', () => {
  it('prints PATH: message (got VALUE) with the value JSON-encoded', () => {
    const p = {
      path: 'DistributionConfig.CacheBehaviors[2].PathPattern',
      message: 'is bad',
      value: 'a b',
      severity: 'error',
    } as const
    assert.equal(
      formatProblem(p),
      'DistributionConfig.CacheBehaviors[2].PathPattern: is bad (got "a b")',
    )
  })
  it('omits (got …) when there is no value, and prefixes warnings', () => {
    assert.equal(
      formatProblem({ path: 'X.Y', message: 'is required', severity: 'error' }),
      'X.Y: is required',
    )
    assert.equal(
      formatProblem({ path: 'X.Z', message: 'unknown field, ignored', severity: 'warning' }),
      'warning: X.Z: unknown field, ignored',
    )
  })
  it('shows null, numbers, lists and objects as JSON, and a file-level problem without a path', () => {
    assert.equal(
      formatProblem({ path: 'A', message: 'm', value: null, severity: 'error' }),
      'A: m (got null)',
    )
    assert.equal(
      formatProblem({ path: 'A', message: 'm', value: [1, 'x'], severity: 'error' }),
      'A: m (got [1,"x"])',
    )
    assert.equal(
      formatProblem({ path: 'A', message: 'm', value: { k: true }, severity: 'error' }),
      'A: m (got {"k":true})',
    )
    assert.equal(
      formatProblem({ path: '', message: 'cannot read', severity: 'error' }),
      'cannot read',
    )
  })
})

describe('reading the file', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  it('a missing file is one problem at path ""', () => {
    const problems = checkConfigFile(`${tmp.dir}/nope.yaml`)
    assert.equal(problems.length, 1)
    assert.equal(problems[0]?.path, '')
    assert.match(problems[0].message, /cannot read config file .*nope\.yaml: no such file/)
    assert.throws(() => loadConfigFile(`${tmp.dir}/nope.yaml`), ConfigError)
  })
  it('unparsable YAML and JSON are one problem each', () => {
    const yaml = checkConfigFile(tmp.write('DistributionConfig:\n  Origins: [\n', '.yaml'))
    assert.equal(yaml.length, 1)
    assert.match(yaml[0]?.message ?? '', /is not valid YAML/)
    const json = checkConfigFile(tmp.write('{"DistributionConfig": ', '.json'))
    assert.equal(json.length, 1)
    assert.match(json[0]?.message ?? '', /is not valid JSON/)
  })
  it('duplicate YAML keys are refused', () => {
    const problems = checkConfigFile(tmp.write('Server: {}\nServer: {}\n', '.yml'))
    assert.equal(problems.length, 1)
    assert.match(problems[0]?.message ?? '', /not valid YAML/)
  })
  it('a file that is not a mapping is one problem', () => {
    const problems = checkConfigFile(tmp.write('- a\n- b\n', '.yaml'))
    assert.deepEqual(
      errorsOf(problems).map((p) => p.path),
      [''],
    )
    assert.match(formatProblem(problems[0]!), /must hold a mapping .* \(got \["a","b"\]\)$/)
    const empty = checkConfigFile(tmp.write('# nothing\n', '.yaml'))
    assert.deepEqual(
      empty.map((p) => [p.path, p.message.endsWith('is empty')]),
      [['', true]],
    )
  })
  it('decides JSON or YAML by content, whatever the extension', () => {
    const json = JSON.stringify(config())
    assert.equal(loadConfigFile(tmp.write(json, '.yaml')).config.distribution.origins.length, 1)
    assert.equal(loadConfigFile(tmp.write(json, '.conf')).config.distribution.origins.length, 1)
    const flowYaml =
      '{DistributionConfig: {Origins: [{Id: a, LocalDirectory: site}], DefaultCacheBehavior: {TargetOriginId: a, ViewerProtocolPolicy: allow-all}}}'
    assert.equal(
      loadConfigFile(tmp.write(flowYaml, '.yaml')).config.distribution.origins[0]?.kind,
      'local',
    )
  })
})

describe('loadConfigFile', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  it('throws one ConfigError carrying every error, never only the first', () => {
    const file = tmp.write(
      config({
        HttpVersion: 'h9',
        DefaultRootObject: '/x',
        Origins: [origin({ ConnectionAttempts: 9, ConnectionTimeout: 0 })],
        Frob: 1,
      }),
    )
    try {
      loadConfigFile(file)
      assert.fail('expected a ConfigError')
    } catch (err) {
      assert.ok(err instanceof ConfigError)
      assert.deepEqual(err.problems.map((p) => p.path).sort(), [
        'DistributionConfig.DefaultRootObject',
        'DistributionConfig.HttpVersion',
        'DistributionConfig.Origins[0].ConnectionAttempts',
        'DistributionConfig.Origins[0].ConnectionTimeout',
      ])
    }
    assert.equal(checkConfigFile(file).length, 5, 'checkConfigFile adds the warning')
  })
  it('returns warnings next to a valid config', () => {
    const { warnings } = loadConfigFile(tmp.write(config({ Frob: 1 })))
    assert.deepEqual(warnings.map(formatProblem), [
      'warning: DistributionConfig.Frob: unknown field, ignored',
    ])
  })
})

describe('origin overrides (--origin ID=URL)', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  const file = (): string =>
    tmp.write(
      config({
        Origins: [origin(), { Id: 'site', LocalDirectory: 'site' }, origin({ Id: 'b' })],
        OriginGroups: [
          {
            Id: 'g',
            FailoverCriteria: { StatusCodes: [500] },
            Members: [{ OriginId: 'app' }, { OriginId: 'b' }],
          },
        ],
      }),
    )

  it('sets overrideUrl on a custom origin', () => {
    const { config: c } = loadConfigFile(file(), {
      originOverrides: new Map([['app', 'http://127.0.0.1:9999']]),
    })
    const app = c.distribution.origins[0]
    assert.ok(app?.kind === 'custom')
    assert.equal(app.overrideUrl, 'http://127.0.0.1:9999/')
    assert.equal(app.domainName, '127.0.0.1')
  })
  it('turns a LocalDirectory origin into a custom origin for the URL', () => {
    const overrides = new Map([['site', 'https://localhost:8443/base']])
    const site = loadConfigFile(file(), { originOverrides: overrides }).config.distribution
      .origins[1]
    assert.deepEqual(site, {
      kind: 'custom',
      id: 'site',
      originPath: '',
      customHeaders: [],
      domainName: 'localhost',
      httpPort: 80,
      httpsPort: 8443,
      protocolPolicy: 'https-only',
      connectionAttempts: 3,
      connectionTimeoutS: 10,
      readTimeoutS: 30,
      keepaliveTimeoutS: 5,
      responseCompletionTimeoutS: undefined,
      overrideUrl: 'https://localhost:8443/base',
    })
  })
  it('refuses an unknown Id, an origin group and a URL that is not http(s)', () => {
    const overrides = new Map([
      ['nope', 'http://127.0.0.1:1'],
      ['g', 'http://127.0.0.1:2'],
      ['app', 'ftp://127.0.0.1/'],
      ['b', 'not a url'],
    ])
    const problems = checkConfigFile(file(), { originOverrides: overrides })
    assert.deepEqual(problems.map(formatProblem), [
      '--origin nope: names no origin (got "nope")',
      '--origin g: is an origin group; override its member origins instead (got "g")',
      '--origin app: must be an http:// or https:// URL (got "ftp://127.0.0.1/")',
      '--origin b: must be an http:// or https:// URL (got "not a url")',
    ])
  })
})
