// Origin DNS before the origin-request Lambda@Edge (spec §8.1): CloudFront resolves the
// origin's domain name *before* it runs an origin-request function, and a name that does not
// resolve is a 502 without the function having run. The lookup is the one node's net.connect
// makes for undici (dns.lookup, all families, ADDRCONFIG); a success is remembered for a few
// seconds in a small bounded map, so a run of misses does not look the name up each time. A
// failure is never remembered: the next request asks again. IP literals need no lookup. A
// request waits for the lookup at most the origin's ConnectionTimeout, as it would wait for
// undici's lookup and connect without the function: then it is a connect timeout (504).
import { ADDRCONFIG, lookup } from 'node:dns'
import { isIP } from 'node:net'
import { EdgeError } from '../errors.js'

/** Resolves `host` or rejects with the resolver's error. */
export type HostLookup = (host: string) => Promise<unknown>

export interface OriginResolverOptions {
  readonly lookup?: HostLookup
  readonly nowMs?: () => number
  /** How long a successful lookup is remembered (default 5 s). */
  readonly ttlMs?: number
  /** How many host names are remembered (default 256); the oldest goes first. */
  readonly maxHosts?: number
}

const DEFAULT_TTL_MS = 5000
const DEFAULT_MAX_HOSTS = 256

/** net.connect's own lookup (node 20, autoSelectFamily): every address, ADDRCONFIG hints. */
const systemLookup: HostLookup = (host) =>
  new Promise((resolve, reject) => {
    const hints = process.platform === 'win32' ? 0 : ADDRCONFIG
    lookup(host, { all: true, hints }, (err, addresses) => (err ? reject(err) : resolve(addresses)))
  })

export class OriginResolver {
  /** Host → when its successful lookup stops counting (ms). Insertion order is eviction order. */
  readonly #resolved = new Map<string, number>()
  /** Lookups under way: concurrent requests for one host share one. */
  readonly #pending = new Map<string, Promise<EdgeError | undefined>>()
  readonly #lookup: HostLookup
  readonly #nowMs: () => number
  readonly #ttlMs: number
  readonly #maxHosts: number

  constructor(options: OriginResolverOptions = {}) {
    this.#lookup = options.lookup ?? systemLookup
    this.#nowMs = options.nowMs ?? Date.now
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
    this.#maxHosts = Math.max(1, options.maxHosts ?? DEFAULT_MAX_HOSTS)
  }

  /**
   * Undefined when `host` needs no lookup (an IP literal, or resolved within the TTL), else the
   * lookup's outcome: undefined when it resolved, an ORIGIN_DNS error (502) when it did not,
   * an ORIGIN_CONNECT_TIMEOUT error (504) when it took longer than timeoutMs (the lookup goes
   * on, and a late success is still remembered).
   */
  check(host: string, timeoutMs = Infinity): Promise<EdgeError | undefined> | undefined {
    const name = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
    if (isIP(name) !== 0) return undefined
    const until = this.#resolved.get(name)
    if (until !== undefined) {
      if (this.#nowMs() < until) return undefined
      this.#resolved.delete(name)
    }
    let pending = this.#pending.get(name)
    if (pending === undefined) {
      pending = this.#lookup(name).then(
        () => {
          this.#pending.delete(name)
          this.#remember(name)
          return undefined
        },
        (err: unknown) => {
          this.#pending.delete(name)
          return new EdgeError('ORIGIN_DNS', undefined, { cause: err })
        },
      )
      this.#pending.set(name, pending)
    }
    return Number.isFinite(timeoutMs) ? withTimeout(pending, timeoutMs, name) : pending
  }

  /** Host names currently remembered (for tests). */
  get size(): number {
    return this.#resolved.size
  }

  #remember(name: string): void {
    this.#resolved.delete(name)
    this.#resolved.set(name, this.#nowMs() + this.#ttlMs)
    for (const oldest of this.#resolved.keys()) {
      if (this.#resolved.size <= this.#maxHosts) break
      this.#resolved.delete(oldest)
    }
  }
}

/** The lookup's outcome, or a connect timeout once timeoutMs have passed without one. */
function withTimeout(
  pending: Promise<EdgeError | undefined>,
  timeoutMs: number,
  host: string,
): Promise<EdgeError | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<EdgeError>((resolve) => {
    timer = setTimeout(() => {
      const why = `looking up ${host} took longer than ${String(timeoutMs)} ms`
      resolve(new EdgeError('ORIGIN_CONNECT_TIMEOUT', why))
    }, timeoutMs)
  })
  return Promise.race([pending, late]).finally(() => clearTimeout(timer))
}
