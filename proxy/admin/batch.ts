// Parses a CreateInvalidation body (design.md §3 "Invalidations"): the short form
// `{"Paths": [...]}` or AWS's `{"InvalidationBatch": {"Paths": {"Quantity", "Items"},
// "CallerReference"}}`. Every problem names the field (and path) at fault.
import { checkInvalidationPath } from '../cloudfront/invalidation.js'
import type { AdminError } from './http.js'

/** Per batch; CloudFront's quota is 3,000 individual paths in progress per distribution. */
export const MAX_PATHS_PER_BATCH = 3000

export interface InvalidationBatchInput {
  readonly paths: readonly string[]
  /** Undefined for the short form without one; the caller generates it. */
  readonly callerReference: string | undefined
}

export type BatchResult =
  | { readonly ok: true; readonly batch: InvalidationBatchInput }
  | { readonly ok: false; readonly error: AdminError }

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function invalid(field: string, message: string, code = 'InvalidArgument'): BatchResult {
  return { ok: false, error: { status: 400, code, field, message: `${field}: ${message}` } }
}

export function parseInvalidationBody(body: unknown): BatchResult {
  if (!isRecord(body)) {
    return invalid('(body)', 'must be a JSON object with Paths or InvalidationBatch')
  }
  if (body['InvalidationBatch'] !== undefined) return parseAwsShape(body['InvalidationBatch'])
  if (body['Paths'] === undefined) {
    return invalid('Paths', 'is required (or use the InvalidationBatch shape)', 'MissingArgument')
  }
  const ref = body['CallerReference']
  if (ref !== undefined && (typeof ref !== 'string' || ref === '')) {
    return invalid('CallerReference', 'must be a non-empty string')
  }
  return parsePaths(body['Paths'], 'Paths', ref)
}

function parseAwsShape(batch: unknown): BatchResult {
  const at = 'InvalidationBatch'
  if (!isRecord(batch)) return invalid(at, 'must be an object with Paths and CallerReference')
  const ref = batch['CallerReference']
  if (typeof ref !== 'string' || ref === '') {
    return invalid(`${at}.CallerReference`, 'is required: a non-empty string', 'MissingArgument')
  }
  const paths = batch['Paths']
  if (!isRecord(paths)) return invalid(`${at}.Paths`, 'must be an object with Quantity and Items')
  const quantity = paths['Quantity']
  const items = paths['Items'] ?? []
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0) {
    return invalid(`${at}.Paths.Quantity`, 'must be a non-negative integer')
  }
  if (Array.isArray(items) && items.length !== quantity) {
    return invalid(
      `${at}.Paths.Quantity`,
      `is ${quantity} but Items has ${items.length}`,
      'InconsistentQuantities',
    )
  }
  return parsePaths(items, `${at}.Paths.Items`, ref)
}

function parsePaths(items: unknown, at: string, ref: string | undefined): BatchResult {
  if (!Array.isArray(items)) return invalid(at, 'must be a list of paths')
  if (items.length === 0) return invalid(at, 'must name at least one path')
  if (items.length > MAX_PATHS_PER_BATCH) {
    return invalid(at, `must name at most ${MAX_PATHS_PER_BATCH} paths (got ${items.length})`)
  }
  const paths: string[] = []
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string') return invalid(`${at}[${i}]`, 'must be a string')
    const problem = checkInvalidationPath(item)
    if (problem !== undefined) {
      return invalid(`${at}[${i}]`, `${JSON.stringify(truncate(item))} ${problem}`)
    }
    paths.push(item)
  }
  return { ok: true, batch: { paths, callerReference: ref } }
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s
}
