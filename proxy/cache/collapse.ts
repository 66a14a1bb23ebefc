// Request collapsing (spec §11.1; Varnish's waiting list): concurrent misses for one cache key
// make one origin request. The first becomes the leader; the others wait for it to finish and
// then look the key up again — so a follower only ever receives what was stored under its own
// key, never another viewer's uncacheable response (those followers go to the origin).

export class Collapser {
  readonly #leaders = new Map<string, Promise<void>>()

  /** The wait of an in-flight leader for `key`, if any. */
  waitFor(key: string): Promise<void> | undefined {
    return this.#leaders.get(key)
  }

  /** Registers the caller as the leader for `key`; call the returned function exactly once. */
  lead(key: string): () => void {
    let release!: () => void
    const done = new Promise<void>((resolve) => (release = resolve))
    this.#leaders.set(key, done)
    let released = false
    return () => {
      if (released) return
      released = true
      if (this.#leaders.get(key) === done) this.#leaders.delete(key)
      release()
    }
  }

  get size(): number {
    return this.#leaders.size
  }
}
