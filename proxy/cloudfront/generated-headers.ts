// CloudFront-generated request headers (spec §3.5): computed from the viewer connection and
// request, never taken from the viewer. Geo values beyond the country, ASN, TLS and JA3/JA4
// are not emulated and are omitted. Device detection is a small User-Agent regex table.

/** What the generated headers are computed from; fields a caller lacks yield no header. */
export interface ViewerFacts {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly httpVersion: string
  /** node's flat [name, value, …] list, for the original header order and case. */
  readonly rawHeaders?: readonly string[] | undefined
  readonly scheme?: 'http' | 'https' | undefined
  readonly viewerCountry?: string | undefined
  readonly clientIp?: string | undefined
  readonly clientPort?: number | undefined
}

/** CloudFront-Viewer-Header-Order is cut at this many characters (§3.5). */
const HEADER_ORDER_MAX = 7680

/** Whether `name` (lowercase) is in CloudFront's reserved `CloudFront-*` namespace. */
export function isCloudFrontHeader(name: string): boolean {
  return name.startsWith('cloudfront-')
}

export interface DeviceFlags {
  readonly mobile: boolean
  readonly tablet: boolean
  readonly desktop: boolean
  readonly smartTv: boolean
  readonly ios: boolean
  readonly android: boolean
}

const IOS = /\b(?:iPhone|iPad|iPod)\b/
const ANDROID = /\bAndroid\b/i
const SMART_TV =
  /smart-?tv|hbbtv|\bweb0s\b|netcast|googletv|apple ?tv|\bcrkey\b|\broku\b|\bbravia\b|\baft[a-z]{1,3}\b|tizen[^)]*\btv\b|\bviera\b/i
const TABLET = /\biPad\b|\btablet\b|\bKindle\b|\bSilk\b|\bPlayBook\b|\bNexus (?:7|9|10)\b/i
const PHONE = /\bMobi|\biPhone\b|\biPod\b|Windows Phone|BlackBerry|\bBB10\b|Opera Mini|IEMobile/i

/**
 * Device classes from a User-Agent (§3.5; several may be true). UNCONFIRMED against
 * CloudFront's own (unpublished) table: Android without "Mobile" counts as a tablet, tablets
 * also count as mobile, and anything that is neither mobile nor a TV is a desktop.
 */
export function deviceFlags(userAgent: string): DeviceFlags {
  const ios = IOS.test(userAgent)
  const android = ANDROID.test(userAgent)
  const smartTv = SMART_TV.test(userAgent)
  const tablet = !smartTv && (TABLET.test(userAgent) || (android && !/\bMobile\b/i.test(userAgent)))
  const mobile = !smartTv && (tablet || PHONE.test(userAgent) || android)
  return { mobile, tablet, desktop: !mobile && !smartTv, smartTv, ios, android }
}

function headerNames(v: ViewerFacts): string[] {
  if (v.rawHeaders !== undefined) return v.rawHeaders.filter((_, i) => i % 2 === 0)
  return Object.keys(v.headers).filter((n) => v.headers[n] !== undefined)
}

function firstValue(value: string | string[] | undefined): string {
  return value === undefined ? '' : typeof value === 'string' ? value : value.join(', ')
}

/** The value CloudFront gives the generated header `name` (lowercase), or undefined. */
export function generatedHeader(name: string, v: ViewerFacts): string | undefined {
  switch (name) {
    case 'cloudfront-forwarded-proto':
      return v.scheme
    case 'cloudfront-viewer-country':
      return v.viewerCountry
    case 'cloudfront-viewer-address':
      return v.clientIp === undefined || v.clientPort === undefined
        ? undefined
        : `${v.clientIp}:${v.clientPort}`
    case 'cloudfront-viewer-http-version':
      return v.httpVersion
    case 'cloudfront-viewer-header-count':
      return String(headerNames(v).length)
    case 'cloudfront-viewer-header-order':
      return headerNames(v).join(':').slice(0, HEADER_ORDER_MAX)
    case 'cloudfront-is-mobile-viewer':
    case 'cloudfront-is-tablet-viewer':
    case 'cloudfront-is-desktop-viewer':
    case 'cloudfront-is-smarttv-viewer':
    case 'cloudfront-is-ios-viewer':
    case 'cloudfront-is-android-viewer': {
      const d = deviceFlags(firstValue(v.headers['user-agent']))
      const flag = {
        'cloudfront-is-mobile-viewer': d.mobile,
        'cloudfront-is-tablet-viewer': d.tablet,
        'cloudfront-is-desktop-viewer': d.desktop,
        'cloudfront-is-smarttv-viewer': d.smartTv,
        'cloudfront-is-ios-viewer': d.ios,
        'cloudfront-is-android-viewer': d.android,
      }[name]
      return flag ? 'true' : 'false'
    }
    default:
      return undefined
  }
}
