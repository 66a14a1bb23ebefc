// The contract of the CloudFront Functions runtime (spec §7): the event a function receives,
// what one invocation returns, and the compiled-function interface the pipeline calls. The
// CloudFront event shape exists only under functions/ (design.md §1 principle 4).

export type FunctionRuntime = 'cloudfront-js-1.0' | 'cloudfront-js-2.0'
export type ViewerEventType = 'viewer-request' | 'viewer-response'

/** A header, query string or request cookie entry (§7.2). */
export interface CfValue {
  value: string
  multiValue?: { value: string }[]
}

/** A response cookie: `attributes` is everything after the first `;` of Set-Cookie. */
export interface CfResponseCookie {
  value: string
  attributes?: string
  multiValue?: { value: string; attributes?: string }[]
}

export interface CfRequest {
  method: string
  uri: string
  querystring: Record<string, CfValue>
  headers: Record<string, CfValue>
  cookies: Record<string, CfValue>
}

export interface CfResponse {
  statusCode: number
  statusDescription?: string
  headers: Record<string, CfValue>
  cookies: Record<string, CfResponseCookie>
}

export interface CfEvent {
  version: '1.0'
  context: {
    distributionDomainName?: string
    distributionId?: string
    eventType: ViewerEventType
    requestId?: string
  }
  viewer: { ip: string }
  request: CfRequest
  response?: CfResponse
}

/** What a viewer-request function asked of the origin choice (§7.5), in call order. */
export type OriginSelection =
  | { readonly kind: 'update'; readonly props: Readonly<Record<string, unknown>> }
  | { readonly kind: 'select'; readonly originId: string }
  | {
      readonly kind: 'group'
      readonly originIds: readonly string[]
      readonly statusCodes: readonly number[]
    }

/** One run of a function. `result` is the handler's return value, not yet validated; parts of
 * the event's request/response it returned unread are the event's own objects. */
export type Invocation =
  | {
      readonly ok: true
      readonly result: unknown
      readonly logs: readonly string[]
      /** 0–100 of the execution budget (as AWS reports it; may exceed 100 only on error). */
      readonly computeUtilization: number
      readonly originSelections: readonly OriginSelection[]
    }
  | {
      readonly ok: false
      /** exception: the handler threw or rejected; budget: it ran past the execution budget;
       * memory: it exceeded the memory limit. All are 503s at the edge (§7.6). */
      readonly error: 'exception' | 'budget' | 'memory'
      readonly message: string
      readonly logs: readonly string[]
      readonly computeUtilization: number
    }

/** A KeyValueStore as a function sees it (§7.4): read-only, synchronous on the host side. */
export interface KeyValueStore {
  /** Name, Id and ARN all resolve `cf.kvs(id)`. */
  readonly name: string
  readonly id: string
  readonly arn: string | undefined
  get(key: string): string | undefined
  meta(): { creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }
}

export interface ViewerFunctionSpec {
  readonly name: string
  readonly runtime: FunctionRuntime
  readonly code: string
  /** At most one store (§7.1). */
  readonly kvs: KeyValueStore | undefined
  /** Execution budget in ms of wall time (default 5, spec §7.1 UNCONFIRMED). */
  readonly budgetMs?: number
}

/** A function compiled once at config load; invoke() is synchronous and never throws. */
export interface ViewerFunction {
  readonly name: string
  readonly runtime: FunctionRuntime
  invoke(event: CfEvent): Invocation
  dispose(): void
}

/** A function that cannot be loaded: syntax error, no handler, over 10 KB (§7.1). */
export class FunctionCompileError extends Error {
  override readonly name = 'FunctionCompileError'
}
