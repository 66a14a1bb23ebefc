// The fast hit path's connections (design.md §1 principle 6): a new HTTP connection is read
// here first. While every request on it is a plain hit (parse-head.ts, plain-hit.ts) it is
// answered straight on the socket — one head string and the stored body — without node's
// IncomingMessage and ServerResponse, which cost more than the rest of a hit (bench/README).
// The first request that is anything else hands the connection, with that request's bytes
// and any after it, to node:http's own connection listener for the rest of its life.
// Idle connections close after the server's keepAliveTimeout (headersTimeout before the
// first request), as node's do; never while a response is still being written.
// Switch: FAST_HITS.enabled, or EDGEPROXY_FAST_HITS=0.
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { keepAliveTail } from '../prebuilt-head.js'
import { parseHead, type RequestHead } from './parse-head.js'

/** The switch (tests run both paths; every response is the same either way). */
export const FAST_HITS = { enabled: process.env['EDGEPROXY_FAST_HITS'] !== '0' }

/**
 * Answers one request on `socket` and returns true, or returns false having written nothing.
 * `tail` ends the head: node's Connection/Keep-Alive lines and the blank line.
 */
export type Answer = (head: RequestHead, socket: Socket, tail: string) => boolean

export interface FastFront {
  /** Ends the connections still on the fast path (server shutdown). */
  endAll(): void
}

type Listener = (socket: Socket) => void

/**
 * Puts the fast path in front of `server`'s own connection listener. Undefined (and nothing
 * changed) when the server does not look like node 20's http.Server. The switch is read per
 * connection.
 */
export function installFastFront(server: Server, answer: Answer): FastFront | undefined {
  const listeners = server.listeners('connection')
  if (listeners.length !== 1) return undefined
  const nodeListener = listeners[0] as Listener
  server.removeListener('connection', nodeListener)
  const open = new Set<Socket>()
  const state = { ending: false }
  server.on('connection', (socket: Socket) => {
    const limited = server.maxRequestsPerSocket !== null && server.maxRequestsPerSocket > 0
    if (!FAST_HITS.enabled || limited) {
      nodeListener.call(server, socket)
      return
    }
    open.add(socket)
    serveFast(server, socket, answer, state, (rest) => {
      open.delete(socket)
      if (rest !== undefined) handOver(server, nodeListener, socket, rest)
    })
  })
  return {
    endAll() {
      // As node's closeIdleConnections, once what was written has gone: a request that
      // crosses the FIN is dropped, not handed to a server that is closing.
      state.ending = true
      for (const socket of open) socket.end(() => socket.destroy())
      open.clear()
    },
  }
}

function serveFast(
  server: Server,
  socket: Socket,
  answer: Answer,
  front: { readonly ending: boolean },
  /** Called once: with the unanswered bytes at a hand-over, undefined when it closed. */
  leave: (rest: Buffer | undefined) => void,
): void {
  const tail = keepAliveTail(server.keepAliveTimeout, undefined)
  // node 20.20 closes an idle keep-alive connection a second after the advertised timeout.
  const keepAliveMs = server.keepAliveTimeout === 0 ? 0 : server.keepAliveTimeout + 1000
  let idleArmed = false
  const onData = (chunk: Buffer) => {
    if (front.ending) return
    let at = 0
    while (at < chunk.length) {
      const head = parseHead(chunk, at)
      if (head === undefined || !answer(head, socket, tail)) {
        detach()
        leave(chunk.subarray(at))
        return
      }
      at = head.next
    }
    if (!idleArmed) {
      idleArmed = true
      socket.setTimeout(keepAliveMs)
    }
    // A client that sends faster than it reads: read no more until it has caught up.
    if (socket.writableNeedDrain) {
      socket.pause()
      socket.once('drain', () => socket.resume())
    }
  }
  const onEnd = () => socket.end()
  // Not idle while a response is still going out to a slow reader.
  const onTimeout = () => {
    if (socket.writableLength > 0)
      socket.setTimeout(idleArmed ? keepAliveMs : server.headersTimeout)
    else socket.destroy()
  }
  const onError = () => socket.destroy()
  const onClose = () => leave(undefined)
  const detach = () => {
    socket.off('data', onData)
    socket.off('end', onEnd)
    socket.off('timeout', onTimeout)
    socket.off('error', onError)
    socket.off('close', onClose)
    socket.setTimeout(0)
  }
  socket.setTimeout(server.headersTimeout)
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('timeout', onTimeout)
  socket.on('error', onError)
  socket.on('close', onClose)
}

/** Gives the socket, and the bytes not answered yet, to node:http's connection listener. */
function handOver(server: Server, nodeListener: Listener, socket: Socket, rest: Buffer): void {
  if (socket.destroyed) return
  socket.pause()
  if (rest.length > 0) socket.unshift(rest)
  nodeListener.call(server, socket)
  socket.resume()
}
