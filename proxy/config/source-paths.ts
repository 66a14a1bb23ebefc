// Where each node of a normalized config came from: the path the USER wrote (design.md §3,
// `validate` output), so problems found after normalization (spec/cloudfront.md §1.1) still
// name `CacheBehaviors.Items[2]` in an API-shaped file and `CacheBehaviors[2]` in a CFN one.

/** Joins a dotted path; the file root is ''. */
export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`
}

/** Maps every object and list of a normalized tree (by identity) to its path in the file. */
export class SourcePaths {
  readonly #paths = new WeakMap<object, string>()
  readonly #renames = new WeakMap<object, Map<string, string>>()

  register<T extends object>(node: T, path: string): T {
    this.#paths.set(node, path)
    return node
  }

  /** Records that `key` of `node` was written as `userKey` (a relative path) in the file. */
  rename(node: object, key: string, userKey: string): void {
    let map = this.#renames.get(node)
    if (map === undefined) {
      map = new Map()
      this.#renames.set(node, map)
    }
    map.set(key, userKey)
  }

  of(node: object): string {
    return this.#paths.get(node) ?? ''
  }

  /** Path of a member of `node`, under the name the user gave it. */
  key(node: object, key: string): string {
    return joinPath(this.of(node), this.#renames.get(node)?.get(key) ?? key)
  }

  index(list: readonly unknown[], i: number): string {
    return `${this.of(list)}[${i}]`
  }
}
