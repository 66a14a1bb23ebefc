// Invalidation records in AWS's shape (design.md §3 "Invalidations"), newest last in a Map,
// the last 1,000 kept. A record starts InProgress and becomes Completed once every cache has
// applied it (one process today; with workers, once all of them have acknowledged).
import { randomInt } from 'node:crypto'

export const MAX_RECORDS = 1000

export type InvalidationStatus = 'InProgress' | 'Completed'

export interface Invalidation {
  readonly Id: string
  Status: InvalidationStatus
  /** ISO 8601 UTC, like AWS. */
  readonly CreateTime: string
  readonly InvalidationBatch: {
    readonly Paths: { readonly Quantity: number; readonly Items: readonly string[] }
    readonly CallerReference: string
  }
}

export interface InvalidationSummary {
  readonly Id: string
  readonly CreateTime: string
  readonly Status: InvalidationStatus
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Like AWS's: `I` then 13 uppercase letters and digits. */
export function newInvalidationId(): string {
  let id = 'I'
  for (let i = 0; i < 13; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)]!
  return id
}

export class InvalidationRecords {
  readonly #records = new Map<string, Invalidation>()
  readonly #byCallerReference = new Map<string, Invalidation>()
  readonly #max: number

  constructor(max = MAX_RECORDS) {
    this.#max = max
  }

  /** A new InProgress record; drops the oldest beyond the limit. */
  create(paths: readonly string[], callerReference: string | undefined, nowMs: number) {
    let id = newInvalidationId()
    while (this.#records.has(id)) id = newInvalidationId()
    const record: Invalidation = {
      Id: id,
      Status: 'InProgress',
      CreateTime: new Date(nowMs).toISOString(),
      InvalidationBatch: {
        Paths: { Quantity: paths.length, Items: [...paths] },
        CallerReference: callerReference ?? `edgeproxy-${String(nowMs)}-${id}`,
      },
    }
    this.#records.set(id, record)
    this.#byCallerReference.set(record.InvalidationBatch.CallerReference, record)
    while (this.#records.size > this.#max) {
      const oldest = this.#records.values().next().value
      if (oldest === undefined) break
      this.remove(oldest.Id)
    }
    return record
  }

  complete(id: string): void {
    const record = this.#records.get(id)
    if (record) record.Status = 'Completed'
  }

  remove(id: string): void {
    const record = this.#records.get(id)
    if (!record) return
    this.#records.delete(id)
    const ref = record.InvalidationBatch.CallerReference
    if (this.#byCallerReference.get(ref) === record) this.#byCallerReference.delete(ref)
  }

  get(id: string): Invalidation | undefined {
    return this.#records.get(id)
  }

  /** AWS treats a repeated CallerReference as the same request. */
  byCallerReference(ref: string): Invalidation | undefined {
    return this.#byCallerReference.get(ref)
  }

  /** Newest first. */
  list(): InvalidationSummary[] {
    return [...this.#records.values()]
      .reverse()
      .map(({ Id, CreateTime, Status }) => ({ Id, CreateTime, Status }))
  }
}
