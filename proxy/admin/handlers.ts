// Admin API handlers (design.md §3 "Admin API"): create/get/list invalidations in AWS's
// shapes, cache statistics and health. Creating applies the compiled matcher to the cache,
// then marks the record Completed; routing lives in server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { AdminCache } from '../cache/admin-types.js'
import { compileInvalidation } from '../cloudfront/invalidation.js'
import { METRICS_CONTENT_TYPE } from '../metrics.js'
import { parseInvalidationBody } from './batch.js'
import { readJsonBody, sendError, sendJson, sendText } from './http.js'
import type { Invalidation, InvalidationRecords } from './records.js'

export interface AdminContext {
  readonly cache: AdminCache
  readonly log: Logger
  readonly clock: () => number
  readonly records: InvalidationRecords
  /** Prometheus exposition (proxy/metrics.ts); absent in tests of the other endpoints. */
  readonly metrics: MetricsSource | undefined
}

export interface MetricsSource {
  text(): Promise<string>
}

export type Handler = (
  ctx: AdminContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  params: readonly string[],
) => void | Promise<void>

const DEFAULT_MAX_ITEMS = 100

function sendRecord(res: ServerResponse, status: number, record: Invalidation): void {
  sendJson(res, status, { Invalidation: record }, { location: `/invalidations/${record.Id}` })
}

export const createInvalidation: Handler = async (ctx, req, res) => {
  const body = await readJsonBody(req)
  if (!body.ok) {
    sendError(res, body.error, body.error.status === 413 ? { connection: 'close' } : {})
    return
  }
  const parsed = parseInvalidationBody(body.value)
  if (!parsed.ok) {
    sendError(res, parsed.error)
    return
  }
  const { paths, callerReference } = parsed.batch
  if (callerReference !== undefined) {
    const previous = ctx.records.byCallerReference(callerReference)
    if (previous) {
      const same = previous.InvalidationBatch.Paths.Items.join('\n') === paths.join('\n')
      if (same) sendRecord(res, 201, previous)
      else {
        sendError(res, {
          status: 409,
          code: 'InvalidationBatchAlreadyExists',
          field: 'CallerReference',
          message: `CallerReference ${JSON.stringify(callerReference)} was already used by ${previous.Id} with other paths`,
        })
      }
      return
    }
  }
  const record = ctx.records.create(paths, callerReference, ctx.clock())
  let removed: number
  try {
    removed = await ctx.cache.invalidate(compileInvalidation(paths), paths)
  } catch (err) {
    ctx.records.remove(record.Id)
    ctx.log.error({ err, id: record.Id }, 'invalidation failed')
    sendError(res, {
      status: 500,
      code: 'InternalError',
      message: 'the cache refused the invalidation',
    })
    return
  }
  ctx.records.complete(record.Id)
  ctx.log.info({ id: record.Id, paths, removed }, 'invalidation completed')
  sendRecord(res, 201, record)
}

export const getInvalidation: Handler = (ctx, _req, res, _url, [id]) => {
  const record = id === undefined ? undefined : ctx.records.get(id)
  if (record) {
    sendJson(res, 200, { Invalidation: record })
    return
  }
  sendError(res, {
    status: 404,
    code: 'NoSuchInvalidation',
    message: `no invalidation ${JSON.stringify(id)} (only the last 1,000 are kept)`,
  })
}

/** AWS's ListInvalidations shape; `?Marker=ID` continues after that Id, `?MaxItems=N`. */
export const listInvalidations: Handler = (ctx, _req, res, url) => {
  const maxParam = url.searchParams.get('MaxItems')
  const maxItems = maxParam === null ? DEFAULT_MAX_ITEMS : Number(maxParam)
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    sendError(res, {
      status: 400,
      code: 'InvalidArgument',
      field: 'MaxItems',
      message: `MaxItems: must be a positive integer (got ${JSON.stringify(maxParam)})`,
    })
    return
  }
  const marker = url.searchParams.get('Marker') ?? ''
  const all = ctx.records.list()
  const start = marker === '' ? 0 : all.findIndex((s) => s.Id === marker) + 1
  const items = all.slice(start, start + maxItems)
  const truncated = start + maxItems < all.length
  sendJson(res, 200, {
    InvalidationList: {
      Marker: marker,
      ...(truncated ? { NextMarker: items[items.length - 1]?.Id } : {}),
      MaxItems: maxItems,
      IsTruncated: truncated,
      Quantity: items.length,
      Items: items,
    },
  })
}

export const cacheStats: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, await ctx.cache.stats())
}

export const metrics: Handler = async (ctx, _req, res) => {
  if (ctx.metrics === undefined) {
    sendError(res, { status: 404, code: 'NotFound', message: 'metrics are not enabled' })
    return
  }
  const text = await ctx.metrics.text()
  res.writeHead(200, {
    'content-type': METRICS_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

export const healthz: Handler = (_ctx, _req, res) => {
  sendText(res, 200, 'ok')
}
