// The LocalDirectory origin against a real temp folder: S3 GetObject/HeadObject answers, path
// containment, RFC 9110 conditionals and ranges, MD5 ETags and streamed bodies (design.md §3).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import type { LocalDirectoryOriginConfig } from '../../proxy/config/types.js'
import type { HeaderRecord, OriginResponse } from '../../proxy/http-types.js'
import { fetchFromDirectory, resolveKey } from '../../proxy/origin/local-directory.js'

const MTIME = new Date('2024-05-01T12:00:00Z')
const LAST_MODIFIED = 'Wed, 01 May 2024 12:00:00 GMT'
const INDEX = '<!doctype html>\n<title>Hello</title>\n<h1>Hello from the bucket</h1>\n'
const BIG_SIZE = 5 * 1024 * 1024
/** Deterministic, non-repeating-per-chunk bytes, so a misplaced range shows up in the compare. */
function pattern(size: number): Buffer {
  const buf = Buffer.alloc(size)
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >> 10)) & 0xff
  return buf
}

const FILES: Readonly<Record<string, string | Buffer>> = {
  'index.html': INDEX,
  'styles.css': 'body { margin: 0 }\n',
  'docs/guide/intro.txt': 'nested file\n',
  README: 'no extension\n',
  'with space.txt': 'spaced\n',
  'empty.txt': '',
  'big.bin': pattern(BIG_SIZE),
}

let tmp = ''
let bucket = ''
let origin: LocalDirectoryOriginConfig

const md5 = (data: string | Buffer): string => `"${createHash('md5').update(data).digest('hex')}"`
const file = (name: string): string | Buffer => FILES[name] ?? assert.fail(`no fixture ${name}`)

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'edgeproxy-localdir-'))
  bucket = join(tmp, 'bucket')
  await mkdir(join(tmp, 'outside'))
  await writeFile(join(tmp, 'outside', 'secret.txt'), 'secret\n')
  for (const [name, content] of Object.entries(FILES)) {
    const full = join(bucket, name)
    await mkdir(join(full, '..'), { recursive: true })
    await writeFile(full, content)
    await utimes(full, MTIME, MTIME)
  }
  await symlink(join(tmp, 'outside', 'secret.txt'), join(bucket, 'leak.txt'))
  await symlink(join(tmp, 'outside'), join(bucket, 'leakdir'))
  await symlink('index.html', join(bucket, 'alias.html'))
  origin = { kind: 'local', id: 'site', originPath: '', customHeaders: [], directory: bucket }
})

after(async () => {
  await rm(tmp, { recursive: true, force: true })
})

interface Result {
  readonly res: OriginResponse
  readonly body: Buffer | null
  readonly chunks: number
}

async function get(
  path: string,
  headers: HeaderRecord = {},
  method = 'GET',
  reqBody: Readable | null = null,
): Promise<Result> {
  const res = await fetchFromDirectory(origin, { method, path, headers, body: reqBody })
  if (res.body === null) return { res, body: null, chunks: 0 }
  assert.ok(res.body instanceof Readable)
  const parts: Buffer[] = []
  for await (const chunk of res.body) parts.push(chunk as Buffer)
  return { res, body: Buffer.concat(parts), chunks: parts.length }
}

const xmlField = (body: Buffer | null, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(body?.toString() ?? '')?.[1]

describe('LocalDirectory origin: objects, keys and containment', () => {
  it('GET answers 200 with exactly the S3 object headers and the file', async () => {
    const { res, body } = await get('/index.html')
    assert.equal(res.status, 200)
    assert.deepEqual(res.headers, {
      'content-type': 'text/html',
      'content-length': String(Buffer.byteLength(INDEX)),
      etag: md5(INDEX),
      'last-modified': LAST_MODIFIED,
      'accept-ranges': 'bytes',
    })
    assert.equal(body?.toString(), INDEX)
  })

  it('HEAD answers the same headers and no body', async () => {
    const full = await get('/index.html')
    const { res, body } = await get('/index.html', {}, 'HEAD')
    assert.equal(res.status, 200)
    assert.deepEqual(res.headers, full.res.headers)
    assert.equal(body, null)
  })

  const rows: readonly {
    readonly path: string
    readonly status: number
    readonly type?: string
    readonly body?: string
    readonly code?: string
    readonly key?: string
  }[] = [
    { path: '/styles.css', status: 200, type: 'text/css', body: 'body { margin: 0 }\n' },
    { path: '/docs/guide/intro.txt', status: 200, type: 'text/plain', body: 'nested file\n' },
    { path: '/README', status: 200, type: 'binary/octet-stream', body: 'no extension\n' },
    { path: '/with%20space.txt', status: 200, type: 'text/plain', body: 'spaced\n' },
    { path: '/index.html?versionId=1&x', status: 200, type: 'text/html', body: INDEX },
    { path: '/alias.html', status: 200, type: 'text/html', body: INDEX },
    { path: '/empty.txt', status: 200, type: 'text/plain', body: '' },
    { path: '/missing.html', status: 404, code: 'NoSuchKey', key: 'missing.html' },
    { path: '/docs/', status: 404, code: 'NoSuchKey', key: 'docs/' },
    { path: '/docs', status: 404, code: 'NoSuchKey', key: 'docs' },
    { path: '/index.html/', status: 404, code: 'NoSuchKey', key: 'index.html/' },
    { path: '/docs//guide/intro.txt', status: 404, code: 'NoSuchKey' },
    { path: '/leakdir/nothing.txt', status: 404, code: 'NoSuchKey' },
    { path: '/../outside/secret.txt', status: 403, code: 'AccessDenied' },
    { path: '/docs/../../outside/secret.txt', status: 403, code: 'AccessDenied' },
    { path: '/%2e%2e/outside/secret.txt', status: 403, code: 'AccessDenied' },
    { path: '/docs/%2E%2E/index.html', status: 403, code: 'AccessDenied' },
    { path: '/..%2Foutside%2Fsecret.txt', status: 403, code: 'AccessDenied' },
    { path: '/docs%5C..%5Cindex.html', status: 403, code: 'AccessDenied' },
    { path: '/./index.html', status: 403, code: 'AccessDenied' },
    { path: '/index.html%00.txt', status: 403, code: 'AccessDenied' },
    { path: '/leak.txt', status: 403, code: 'AccessDenied' },
    { path: '/leakdir/secret.txt', status: 403, code: 'AccessDenied' },
    { path: '/', status: 403, code: 'AccessDenied' },
    { path: '/bad%zz', status: 400, code: 'InvalidURI' },
    { path: '/%E0%A4%A', status: 400, code: 'InvalidURI' },
    { path: '/%C3%28', status: 400, code: 'InvalidURI' },
  ]
  for (const row of rows) {
    it(`GET ${row.path} → ${row.status}${row.code === undefined ? '' : ` ${row.code}`}`, async () => {
      const { res, body } = await get(row.path)
      assert.equal(res.status, row.status)
      if (row.type !== undefined) assert.equal(res.headers['content-type'], row.type)
      if (row.body !== undefined) assert.equal(body?.toString(), row.body)
      if (row.code !== undefined) {
        assert.equal(res.headers['content-type'], 'application/xml')
        assert.equal(xmlField(body, 'Code'), row.code)
        assert.equal(res.headers['content-length'], String(body?.length))
      }
      if (row.key !== undefined) assert.equal(xmlField(body, 'Key'), row.key)
    })
  }

  it('error bodies are S3 XML whose RequestId matches x-amz-request-id', async () => {
    const { res, body } = await get('/docs/')
    const id = res.headers['x-amz-request-id']
    assert.equal(typeof id, 'string')
    assert.match(String(id), /^[0-9A-F]{16}$/)
    assert.equal(
      body?.toString(),
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>docs/</Key><RequestId>${String(id)}</RequestId></Error>`,
    )
  })

  it('keys are XML-escaped in error bodies', async () => {
    const { body } = await get('/a%3Cb%3E%26.txt')
    assert.match(body?.toString() ?? '', /<Key>a&lt;b&gt;&amp;\.txt<\/Key>/)
  })

  it('HEAD of a missing key is a bodiless 404', async () => {
    const { res, body } = await get('/missing.html', {}, 'HEAD')
    assert.equal(res.status, 404)
    assert.equal(res.headers['content-type'], 'application/xml')
    assert.equal(body, null)
  })

  it('a missing folder answers 404 NoSuchBucket', async () => {
    const gone = { ...origin, directory: join(tmp, 'no-such-folder') }
    const res = await fetchFromDirectory(gone, {
      method: 'GET',
      path: '/x',
      headers: {},
      body: null,
    })
    assert.equal(res.status, 404)
    res.body?.resume()
  })

  it('a FIFO is not an object and does not hang the request', async (t) => {
    try {
      execFileSync('mkfifo', [join(bucket, 'pipe')])
    } catch {
      t.skip('mkfifo not available')
      return
    }
    const { res } = await get('/pipe')
    assert.equal(res.status, 404)
  })

  it('resolveKey decodes the path and drops the query string', () => {
    assert.deepEqual(resolveKey('/a/b%20c.txt?x=1'), {
      ok: true,
      key: 'a/b c.txt',
      segments: ['a', 'b c.txt'],
    })
  })
})

describe('LocalDirectory origin: methods', () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    it(`${method} → 405 MethodNotAllowed with Allow: GET, HEAD`, async () => {
      const reqBody = Readable.from([Buffer.from('payload')], { objectMode: false })
      const { res, body } = await get('/index.html', {}, method, reqBody)
      assert.equal(res.status, 405)
      assert.equal(res.headers['allow'], 'GET, HEAD')
      assert.equal(xmlField(body, 'Code'), 'MethodNotAllowed')
      assert.equal(xmlField(body, 'Method'), method)
      await new Promise((resolve) => setImmediate(resolve))
      assert.ok(reqBody.readableEnded, 'the request body is drained')
    })
  }
})

describe('LocalDirectory origin: conditional requests', () => {
  const etag = md5(INDEX)
  const rows: readonly {
    readonly name: string
    readonly headers: HeaderRecord
    readonly status: number
    readonly condition?: string
  }[] = [
    { name: 'If-None-Match equal', headers: { 'if-none-match': etag }, status: 304 },
    { name: 'If-None-Match weak', headers: { 'if-none-match': `W/${etag}` }, status: 304 },
    { name: 'If-None-Match list', headers: { 'if-none-match': `"x", ${etag}` }, status: 304 },
    { name: 'If-None-Match *', headers: { 'if-none-match': '*' }, status: 304 },
    { name: 'If-None-Match other', headers: { 'if-none-match': '"x"' }, status: 200 },
    {
      name: 'If-Modified-Since equal',
      headers: { 'if-modified-since': LAST_MODIFIED },
      status: 304,
    },
    {
      name: 'If-Modified-Since later',
      headers: { 'if-modified-since': 'Thu, 01 May 2025 00:00:00 GMT' },
      status: 304,
    },
    {
      name: 'If-Modified-Since earlier',
      headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
      status: 200,
    },
    {
      name: 'If-Modified-Since invalid',
      headers: { 'if-modified-since': 'yesterday' },
      status: 200,
    },
    {
      name: 'If-None-Match wins over If-Modified-Since',
      headers: { 'if-none-match': '"x"', 'if-modified-since': LAST_MODIFIED },
      status: 200,
    },
    {
      name: 'If-Match other',
      headers: { 'if-match': '"x"' },
      status: 412,
      condition: 'If-Match',
    },
    {
      name: 'If-Match weak (strong comparison)',
      headers: { 'if-match': `W/${etag}` },
      status: 412,
      condition: 'If-Match',
    },
    { name: 'If-Match equal', headers: { 'if-match': etag }, status: 200 },
    { name: 'If-Match *', headers: { 'if-match': '*' }, status: 200 },
    {
      name: 'If-Unmodified-Since earlier',
      headers: { 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
      status: 412,
      condition: 'If-Unmodified-Since',
    },
    {
      name: 'If-Unmodified-Since equal',
      headers: { 'if-unmodified-since': LAST_MODIFIED },
      status: 200,
    },
    {
      name: 'If-Match true makes If-Unmodified-Since ignored',
      headers: { 'if-match': etag, 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
      status: 200,
    },
    {
      name: 'If-Match before If-None-Match',
      headers: { 'if-match': '"x"', 'if-none-match': etag },
      status: 412,
      condition: 'If-Match',
    },
  ]
  for (const row of rows) {
    it(`${row.name} → ${row.status}`, async () => {
      const { res, body } = await get('/index.html', row.headers)
      assert.equal(res.status, row.status)
      if (row.status === 304) {
        assert.deepEqual(res.headers, { etag, 'last-modified': LAST_MODIFIED })
        assert.equal(body, null)
      }
      if (row.status === 200) assert.equal(body?.toString(), INDEX)
      if (row.condition !== undefined) {
        assert.equal(xmlField(body, 'Code'), 'PreconditionFailed')
        assert.equal(xmlField(body, 'Condition'), row.condition)
      }
    })
  }

  it('HEAD with a matching If-None-Match is a 304 too', async () => {
    const { res, body } = await get('/index.html', { 'if-none-match': etag }, 'HEAD')
    assert.equal(res.status, 304)
    assert.equal(body, null)
  })
})

describe('LocalDirectory origin: ranges', () => {
  const size = Buffer.byteLength(INDEX)
  const etag = md5(INDEX)
  const rows: readonly {
    readonly range: string
    readonly headers?: HeaderRecord
    readonly status: number
    readonly slice?: readonly [number, number]
  }[] = [
    { range: 'bytes=0-4', status: 206, slice: [0, 4] },
    { range: 'bytes=5-', status: 206, slice: [5, size - 1] },
    { range: 'bytes=-6', status: 206, slice: [size - 6, size - 1] },
    { range: 'bytes=-100000', status: 206, slice: [0, size - 1] },
    { range: 'bytes=10-100000', status: 206, slice: [10, size - 1] },
    { range: `bytes=${size - 1}-${size - 1}`, status: 206, slice: [size - 1, size - 1] },
    { range: `bytes=${size}-`, status: 416 },
    { range: 'bytes=100000-100001', status: 416 },
    { range: 'bytes=-0', status: 416 },
    { range: 'bytes=0-1,3-4', status: 200 },
    { range: 'bytes=5-2', status: 200 },
    { range: 'items=0-1', status: 200 },
    { range: 'bytes=abc', status: 200 },
    { range: 'bytes=0-4', headers: { 'if-range': etag }, status: 206, slice: [0, 4] },
    { range: 'bytes=0-4', headers: { 'if-range': '"x"' }, status: 200 },
    { range: 'bytes=0-4', headers: { 'if-range': `W/${etag}` }, status: 200 },
    { range: 'bytes=0-4', headers: { 'if-range': LAST_MODIFIED }, status: 206, slice: [0, 4] },
    {
      range: 'bytes=0-4',
      headers: { 'if-range': 'Mon, 01 Jan 2024 00:00:00 GMT' },
      status: 200,
    },
    { range: 'bytes=0-4', headers: { 'if-none-match': etag }, status: 304 },
    { range: `bytes=${size}-`, headers: { 'if-match': '"x"' }, status: 412 },
  ]
  for (const row of rows) {
    const extra = row.headers === undefined ? '' : ` with ${JSON.stringify(row.headers)}`
    it(`Range: ${row.range}${extra} → ${row.status}`, async () => {
      const { res, body } = await get('/index.html', { range: row.range, ...row.headers })
      assert.equal(res.status, row.status)
      if (row.slice !== undefined) {
        const [start, end] = row.slice
        assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${size}`)
        assert.equal(res.headers['content-length'], String(end - start + 1))
        assert.equal(res.headers['etag'], etag)
        assert.equal(body?.toString(), INDEX.slice(start, end + 1))
      }
      if (row.status === 200) {
        assert.equal(res.headers['content-range'], undefined)
        assert.equal(body?.toString(), INDEX)
      }
      if (row.status === 416) {
        assert.equal(res.headers['content-range'], `bytes */${size}`)
        assert.equal(xmlField(body, 'Code'), 'InvalidRange')
        assert.equal(xmlField(body, 'ActualObjectSize'), String(size))
      }
    })
  }

  it('HEAD with a Range answers the 206 headers without a body', async () => {
    const { res, body } = await get('/index.html', { range: 'bytes=0-4' }, 'HEAD')
    assert.equal(res.status, 206)
    assert.equal(res.headers['content-range'], `bytes 0-4/${size}`)
    assert.equal(res.headers['content-length'], '5')
    assert.equal(body, null)
  })

  it('any range of an empty object is unsatisfiable', async () => {
    const { res } = await get('/empty.txt', { range: 'bytes=0-' })
    assert.equal(res.status, 416)
    assert.equal(res.headers['content-range'], 'bytes */0')
  })
})

describe('LocalDirectory origin: ETags and streaming', () => {
  for (const name of ['index.html', 'docs/guide/intro.txt', 'empty.txt', 'big.bin']) {
    it(`the ETag of ${name} is the quoted MD5 of its content`, async () => {
      const { res } = await get(`/${name}`, {}, 'HEAD')
      assert.equal(res.headers['etag'], md5(file(name)))
    })
  }

  it('streams a 5 MB file in chunks instead of reading it whole', async () => {
    const res = await fetchFromDirectory(origin, {
      method: 'GET',
      path: '/big.bin',
      headers: {},
      body: null,
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(BIG_SIZE))
    assert.ok(res.body instanceof Readable)
    const hash = createHash('md5')
    let chunks = 0
    let largest = 0
    for await (const chunk of res.body) {
      const buf = chunk as Buffer
      chunks += 1
      largest = Math.max(largest, buf.length)
      hash.update(buf)
    }
    assert.ok(chunks > 1, `expected several chunks, got ${chunks}`)
    assert.ok(largest < BIG_SIZE / 4, `largest chunk ${largest} bytes`)
    assert.equal(`"${hash.digest('hex')}"`, md5(file('big.bin')))
  })

  it('serves a range of the 5 MB file from its offset', async () => {
    const { res, body, chunks } = await get('/big.bin', { range: 'bytes=1048576-3145727' })
    assert.equal(res.status, 206)
    assert.equal(res.headers['content-range'], `bytes 1048576-3145727/${BIG_SIZE}`)
    assert.ok(chunks > 1)
    assert.deepEqual(body, (file('big.bin') as Buffer).subarray(1048576, 3145728))
  })

  it('a changed file gets a new ETag (the memo is keyed by size and mtime)', async () => {
    const path = join(bucket, 'changing.txt')
    await writeFile(path, 'one')
    await utimes(path, MTIME, MTIME)
    assert.equal((await get('/changing.txt', {}, 'HEAD')).res.headers['etag'], md5('one'))
    await writeFile(path, 'two')
    await utimes(path, MTIME, new Date(MTIME.getTime() + 5000))
    assert.equal((await get('/changing.txt', {}, 'HEAD')).res.headers['etag'], md5('two'))
  })
})
