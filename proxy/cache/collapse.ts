// Request collapsing (spec §11.1; Varnish's waiting list): concurrent misses for one cache key
// make one origin request. The first becomes the leader; the others wait for it and then look
// the key up again, so a follower only ever receives what was stored under its own key. When
// the leader's response is not for sharing — not stored, or carrying a Set-Cookie meant for
// its own viewer — the followers go to the origin themselves.

/** The leader tells its followers whether they may use what it stored. */
export type Release = (shareable: boolean) => void

export class Collapser {
  readonly #leaders = new Map<string, Promise<boolean>>()

  /** Resolves to whether the in-flight leader for `key` left a shareable object, if any. */
  waitFor(key: string): Promise<boolean> | undefined {
    return this.#leaders.get(key)
  }

  /** Registers the caller as the leader for `key`; the returned release runs once. */
  lead(key: string): Release {
    let wake!: (shareable: boolean) => void
    const done = new Promise<boolean>((resolve) => (wake = resolve))
    this.#leaders.set(key, done)
    let released = false
    return (shareable) => {
      if (released) return
      released = true
      if (this.#leaders.get(key) === done) this.#leaders.delete(key)
      wake(shareable)
    }
  }

  get size(): number {
    return this.#leaders.size
  }
}
