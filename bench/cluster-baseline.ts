// The cluster reference row (perf-baseline.md "cluster.js"): the fixed server of the baseline
// row in N node:cluster workers under the default round-robin scheduling. The workers target
// compares proxy --workers 2 against the gain this shows over one bare process.
// Run: node dist/bench/cluster-baseline.js --port N [--workers W]   (default 2 workers)
import cluster from 'node:cluster'
import { parseArgs } from 'node:util'
import { startFixedServer } from './fixed-server.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8000' },
    workers: { type: 'string', default: '2' },
  },
})
const port = Number(values.port)
const workers = Number(values.workers)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`cluster-baseline: --port must be an integer 0-65535 (got ${values.port})`)
}
if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
  throw new Error(`cluster-baseline: --workers must be an integer 1-64 (got ${values.workers})`)
}
if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
} else {
  await startFixedServer(port)
}
