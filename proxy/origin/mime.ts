// Content-Type by file extension for the LocalDirectory origin (design.md §3 "LocalDirectory").
// S3 serves the Content-Type stored at upload; the values here are what `aws s3 cp/sync` sends,
// without a charset parameter, and anything unknown is S3's default `binary/octet-stream`.

export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream'

const TYPES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    html: 'text/html',
    htm: 'text/html',
    css: 'text/css',
    js: 'text/javascript',
    mjs: 'text/javascript',
    json: 'application/json',
    map: 'application/json',
    txt: 'text/plain',
    md: 'text/markdown',
    csv: 'text/csv',
    xml: 'application/xml',
    svg: 'image/svg+xml',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    avif: 'image/avif',
    ico: 'image/x-icon',
    woff: 'font/woff',
    woff2: 'font/woff2',
    ttf: 'font/ttf',
    pdf: 'application/pdf',
    mp4: 'video/mp4',
    webm: 'video/webm',
    mp3: 'audio/mpeg',
    wasm: 'application/wasm',
  }),
)

/** The Content-Type for a key or file name, by its last extension (case-insensitive). */
export function contentTypeFor(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return DEFAULT_CONTENT_TYPE
  return TYPES.get(base.slice(dot + 1).toLowerCase()) ?? DEFAULT_CONTENT_TYPE
}
