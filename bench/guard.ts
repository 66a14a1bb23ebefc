// Orphan guard for bench children: runs CMD in this process's group (the runner spawns it as a
// group leader) and takes the whole group down once the runner's stdin pipe closes, even when
// the runner was SIGKILLed. Usage (by bench/procs.ts): node dist/bench/guard.js CMD [ARGS...]
import { spawn } from 'node:child_process'
import { constants } from 'node:os'

const [cmd, ...args] = process.argv.slice(2)
if (cmd === undefined) {
  process.stderr.write('guard: no command\n')
  process.exit(2)
}
const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] })
child.on('error', (err) => {
  process.stderr.write(`guard: ${cmd}: ${err.message}\n`)
  process.exit(127)
})
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal]))
})
// The runner's SIGTERM goes to the whole group: let the command shut down, then mirror its exit.
process.on('SIGTERM', () => undefined)
process.stdin.on('close', () => {
  process.kill(-process.pid, 'SIGTERM')
  setTimeout(() => process.kill(-process.pid, 'SIGKILL'), 3000).unref()
})
process.stdin.resume()
