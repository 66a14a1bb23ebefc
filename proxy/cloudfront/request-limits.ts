// Viewer request size limits (spec §11.9): the URL may be at most 8,192 bytes and the request
// line plus headers at most 20,480 bytes; beyond either CloudFront answers 413 and closes.

export const MAX_URL_BYTES = 8192
export const MAX_REQUEST_HEAD_BYTES = 20480

export type LimitViolation = 'url' | 'head' | undefined

/**
 * Checks one request. `rawHeaders` is node's flat [name, value, …] list; the head size is
 * counted as it crossed the wire: `METHOD SP URL SP HTTP/x.y CRLF` and `name: value CRLF`.
 */
export function checkRequestSize(
  method: string,
  url: string,
  rawHeaders: readonly string[],
): LimitViolation {
  // node hands the URL over byte for byte (latin1), so length is bytes.
  if (url.length > MAX_URL_BYTES) return 'url'
  let size = method.length + url.length + 12
  for (let i = 0; i < rawHeaders.length; i++) size += rawHeaders[i]!.length + 2
  return size > MAX_REQUEST_HEAD_BYTES ? 'head' : undefined
}
