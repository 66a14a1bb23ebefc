// Benchmark origin: the fixed 1 KB node:http server the proxy forwards to (bench/README.md).
// Run: node dist/bench/origin.js --port N
import { serveFromArgv } from './fixed-server.js'

await serveFromArgv('origin')
