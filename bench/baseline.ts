// Benchmark reference row: the same fixed node:http server as the origin, on its own port,
// measured directly (no proxy). Every ratio in the report divides by this row.
// Run: node dist/bench/baseline.js --port N
import { serveFromArgv } from './fixed-server.js'

await serveFromArgv('baseline')
