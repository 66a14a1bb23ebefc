// Edge function associations of a behavior (spec/cloudfront.md §1.5, §7, §8): CloudFront
// Functions on viewer events only, Lambda@Edge on any of the four; one function per event type,
// and never a CloudFront Function and Lambda@Edge on the viewer events of one behavior.
import type { Reader, Rec } from './fields.js'
import type { FunctionAssociation, LambdaFunctionAssociation } from './types.js'

const VIEWER_EVENTS = ['viewer-request', 'viewer-response'] as const
const ALL_EVENTS = [...VIEWER_EVENTS, 'origin-request', 'origin-response'] as const
const FUNCTION_FIELDS = new Set(['EventType', 'FunctionARN'])
const LAMBDA_FIELDS = new Set(['EventType', 'LambdaFunctionARN', 'IncludeBody'])

export function readAssociations(
  r: Reader,
  b: Rec,
): {
  functionAssociations: FunctionAssociation[]
  lambdaFunctionAssociations: LambdaFunctionAssociation[]
} {
  const functionAssociations: FunctionAssociation[] = []
  const seen = new Set<string>()
  for (const { item } of r.records(b, 'FunctionAssociations')) {
    r.unknownKeys(item, FUNCTION_FIELDS)
    const eventType = readEventType(r, item, VIEWER_EVENTS, seen)
    const functionArn = r.required(item, 'FunctionARN')
    if (eventType !== undefined) functionAssociations.push({ eventType, functionArn })
  }
  const lambdaFunctionAssociations: LambdaFunctionAssociation[] = []
  seen.clear()
  for (const { item } of r.records(b, 'LambdaFunctionAssociations')) {
    r.unknownKeys(item, LAMBDA_FIELDS)
    const eventType = readEventType(r, item, ALL_EVENTS, seen)
    const lambdaFunctionArn = r.required(item, 'LambdaFunctionARN')
    const includeBody = r.bool(item, 'IncludeBody', false)
    if (eventType === undefined) continue
    if (eventType.startsWith('viewer-') && functionAssociations.length > 0) {
      r.error(
        r.at(item, 'EventType'),
        'cannot be a Lambda@Edge viewer event: this behavior has CloudFront Functions on viewer events',
        eventType,
      )
    }
    lambdaFunctionAssociations.push({ eventType, lambdaFunctionArn, includeBody })
  }
  return { functionAssociations, lambdaFunctionAssociations }
}

function readEventType<T extends string>(
  r: Reader,
  item: Rec,
  allowed: readonly T[],
  seen: Set<string>,
): T | undefined {
  if (!r.has(item, 'EventType')) {
    r.error(r.at(item, 'EventType'), 'is required')
    return undefined
  }
  const v = r.get(item, 'EventType')
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    r.error(r.at(item, 'EventType'), `must be one of ${allowed.join(', ')}`, v)
    return undefined
  }
  if (seen.has(v)) {
    r.error(r.at(item, 'EventType'), 'has a function already: one function per event type', v)
  }
  seen.add(v)
  return v as T
}
