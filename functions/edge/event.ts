// The Lambda@Edge event (spec §8.2, §8.4): `Records[0].cf` built from the pipeline's values —
// config, the request (with its body when IncludeBody, its origin in origin events) and the
// response in response events. Headers become `{name: [{key, value}]}`; disallowed and
// hop-by-hop headers are never shown (§8.5).
import { HOP_BY_HOP_HEADERS, isDisallowedHeader } from '../viewer/header-rules.js'
import type { EdgeEventType } from './types.js'

export type CfHeaders = Record<string, { key?: string; value: string }[]>

export interface CfRequest {
  clientIp: string
  method: string
  uri: string
  querystring: string
  headers: CfHeaders
  body?: { inputTruncated: boolean; action: 'read-only'; encoding: 'base64'; data: string }
  origin?: CfOrigin
}

export type CfOrigin = { custom: Record<string, unknown> } | { s3: Record<string, unknown> }

export interface CfResponse {
  status: string
  statusDescription: string
  headers: CfHeaders
}

export interface CfEvent {
  Records: [{ cf: { config: CfConfig; request: CfRequest; response?: CfResponse } }]
}

interface CfConfig {
  distributionDomainName: string
  distributionId: string
  eventType: EdgeEventType
  requestId: string
}

export type HeaderInput = Readonly<Record<string, string | readonly string[] | undefined>>

/** What an event is built from: plain values the pipeline already has. */
export interface EdgeEventInput {
  readonly eventType: EdgeEventType
  readonly distributionDomainName: string
  readonly distributionId: string
  readonly requestId: string
  readonly clientIp: string
  readonly method: string
  readonly uri: string
  readonly querystring: string
  readonly headers: HeaderInput
  /** The wire casing of header names, when known (node's rawHeaders). */
  readonly rawHeaders?: readonly string[]
  /** IncludeBody: the request body and whether it was cut at the event's limit. */
  readonly body?: { readonly data: Buffer; readonly truncated: boolean }
  readonly origin?: CfOrigin
  readonly response?: { readonly status: number; readonly headers: HeaderInput }
}

/** Exposed to functions: not disallowed (§8.5) and not hop-by-hop (design.md §3). */
export function exposedHeader(name: string): boolean {
  return !HOP_BY_HOP_HEADERS.has(name) && !isDisallowedHeader(name)
}

/** `x-forwarded-for` → `X-Forwarded-For`: CloudFront's key for a header a function names. */
export function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
}

export function toCfHeaders(headers: HeaderInput, rawHeaders?: readonly string[]): CfHeaders {
  const casing = new Map<string, string>()
  if (rawHeaders !== undefined) {
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const raw = rawHeaders[i]
      if (raw !== undefined) casing.set(raw.toLowerCase(), raw)
    }
  }
  const out: CfHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !exposedHeader(name)) continue
    const key = casing.get(name) ?? titleCase(name)
    const values = typeof value === 'string' ? [value] : value
    out[name] = values.map((v) => ({ key, value: v }))
  }
  return out
}

export function edgeEvent(input: EdgeEventInput): CfEvent {
  const request: CfRequest = {
    clientIp: input.clientIp,
    method: input.method,
    uri: input.uri,
    querystring: input.querystring,
    headers: toCfHeaders(input.headers, input.rawHeaders),
  }
  if (input.body !== undefined) {
    request.body = {
      inputTruncated: input.body.truncated,
      action: 'read-only',
      encoding: 'base64',
      data: input.body.data.toString('base64'),
    }
  }
  if (input.origin !== undefined) request.origin = input.origin
  const config: CfConfig = {
    distributionDomainName: input.distributionDomainName,
    distributionId: input.distributionId,
    eventType: input.eventType,
    requestId: input.requestId,
  }
  const response =
    input.response === undefined
      ? undefined
      : {
          status: String(input.response.status),
          statusDescription: statusText(input.response.status),
          headers: toCfHeaders(input.response.headers),
        }
  return { Records: [{ cf: { config, request, ...(response ? { response } : {}) } }] }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? ''
}
