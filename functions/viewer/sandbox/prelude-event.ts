// Sandbox prelude, part 5 (spec §7.2 event, §7.1 cost): reads the event text of
// ../event-text.ts into the event object the handler gets. The compact form is split into
// object literals; querystring, headers and cookies (in viewer-response, the response's) stay
// JSON text behind lazy accessors until first read. A viewer-response request is usually not
// in the text at all: the host sends its JSON when the function first reads it. The JSON form
// is parsed, with its one lazy part. Runs inside QuickJS; not type-checked.
import { FIELD, FIELDS, PARTS, PRESENT, REQUEST_FIELDS, RESPONSE_FIELDS } from '../event-text.js'

const F = FIELDS
const Q = REQUEST_FIELDS
const S = RESPONSE_FIELDS
const P = PRESENT
const ALL_CONTEXT = P.distributionDomainName | P.distributionId | P.requestId
const str = JSON.stringify

export const PRELUDE_EVENT = String.raw`
const defineProperties = O.defineProperties
const isFrozen = O.isFrozen
const reflectDefine = Reflect.defineProperty
const split = String.prototype.split
const strIndexOf = String.prototype.indexOf
const strSlice = String.prototype.slice
const OWeakRef = WeakRef
const weakDeref = WeakRef.prototype.deref
// The two built-ins every call uses, as functions of their receiver: a bound call costs less
// than Reflect.apply with its argument array (~0.3 µs for the split).
const bindCall = Function.prototype.call.bind(Function.prototype.bind, Function.prototype.call)
const splitOf = bindCall(split)
const derefOf = bindCall(weakDeref)
function dataProp(obj, name, v) {
  defineProperty(obj, name, { value: v, writable: true, enumerable: true, configurable: true })
}

// Each object with lazy properties (the event, its request, its response) carries the event's
// fields — the split compact text, or [part JSON] for the JSON form — in a private field: the
// function cannot see it, and it goes with the object (as WeakMap keys, the objects cost the
// GC work that showed in the tail latency).
class Stampable { constructor(o) { return o } }
class WithFields extends Stampable {
  #fields
  constructor(o, f) { super(o); this.#fields = f }
  static of(o) { return typeof o === 'object' && o !== null && #fields in o ? o.#fields : undefined }
}
function keepFields(o, f) { new WithFields(o, f) }
// The fields of o. A viewer-request event's request gets no private field while its
// invocation runs: its fields are ownFields, and retireOwn() gives it the field at the end only
// if the function kept it (most never do; a WeakRef checked then costs less than the field).
function fieldsOf(o) {
  return o === ownRoot && ownFields !== undefined ? ownFields : WithFields.of(o)
}
// The current event's request (viewer-request) or response (viewer-response). When the handler
// returns it, finish() copies it with serializing set to it: a part the function never read
// becomes a placeholder 0 and its PARTS bit in 'omitted', and the host puts the event's own
// object back, without the VM building and serializing it. A part deleted unread is just
// missing, as when the function deletes a part of a JSON event. (Code that runs inside that
// copy — a getter on the returned object — and reads an unread part of it gets the 0.)
let ownRoot
let serializing
let omitted = 0
// Whether a part of ownRoot has become an object (read or assigned): see finish().
let ownSettled = false
// Whether ownRoot is a viewer-request event's request, and then its method as the event had it.
let ownIsRequest = false
let ownMethod
// The fields of ownRoot while it has no private field, and a WeakRef to it (see fieldsOf()).
let ownFields
let ownRef
function retireOwn() {
  const f = ownFields
  ownFields = undefined
  ownRoot = undefined
  const kept = derefOf(ownRef)
  ownRef = undefined
  if (kept !== undefined) keepFields(kept, f)
}

// The lazy object whose accessor runs for o, an object inheriting it: a prototype of o.
function lazyOwner(o) {
  while (typeof o === 'object' && o !== null) {
    if (fieldsOf(o) !== undefined) return o
    o = getPrototypeOf(o)
  }
  return undefined
}
// A value is built once: the property then becomes plain data ({value, writable}, so it stays
// as enumerable and configurable as it was). An object sealed or frozen since keeps the
// accessor: the value is kept in the field's slot, boxed, and assigning to a frozen one throws.
function settle(owner, name, f, slot, v, assigning) {
  if (owner === ownRoot) ownSettled = true
  if (reflectDefine(owner, name, { value: v, writable: true })) return
  if (assigning && isFrozen(owner)) throw new OTypeError("'" + name + "' is read-only")
  f[slot] = { v: v }
}
// The descriptor of a lazy property: its value is the JSON in field 'slot' of the fields;
// bit: its PARTS bit, 0 for a property never left out.
function lazyProp(name, slot, bit) {
  // Null prototypes: defineProperties() looks up each descriptor field (value, writable, …)
  // and finds the missing ones sooner (~0.2 µs per event).
  return {
    __proto__: null,
    get: function () {
      // finish() reading the returned own object while none of its parts has been settled:
      // this accessor is its own and unread (a frozen object's settled part sets ownSettled).
      if (this === serializing && bit !== 0 && !ownSettled) {
        omitted |= bit
        return 0
      }
      let owner = this
      let f = fieldsOf(owner)
      if (f === undefined) {
        owner = lazyOwner(this)
        if (owner === undefined) return undefined
        f = fieldsOf(owner)
      }
      let s = f[slot]
      if (typeof s !== 'string') return s.v
      if (owner === serializing && bit !== 0) {
        omitted |= bit
        return 0
      }
      // Only a request the host left out is '' (no JSON is).
      if (s === '') s = f[slot] = hostRequest(f)
      const v = jsonParse(s)
      settle(owner, name, f, slot, v, false)
      return v
    },
    set: function (v) {
      // On an object inheriting the accessor, assignment makes an own property.
      const f = fieldsOf(this)
      if (f === undefined) dataProp(this, name, v)
      else settle(this, name, f, slot, v, true)
    },
    enumerable: true,
    configurable: true,
  }
}

const REQUEST_PARTS = {
  __proto__: null,
  querystring: lazyProp('querystring', ${Q.querystring}, ${PARTS.querystring}),
  headers: lazyProp('headers', ${Q.headers}, ${PARTS.headers}),
  cookies: lazyProp('cookies', ${Q.cookies}, ${PARTS.cookies}),
}
const RESPONSE_PARTS = {
  __proto__: null,
  headers: lazyProp('headers', ${S.headers}, ${PARTS.headers}),
  cookies: lazyProp('cookies', ${S.cookies}, ${PARTS.cookies}),
}
const LAZY_REQUEST = lazyProp('request', ${S.request}, 0)

// The fields of the current viewer-response event when the host left its request out, and a
// WeakRef to the event, the one object with the request accessor (objects inheriting it hold
// it). The host has the request while the invocation runs; at its end (retireRequest(), from
// invoke and poll), an event the function kept — in a global, a closure, a pending promise:
// the WeakRef still reaches it — and whose request it did not read gets the request's JSON
// then. An event nothing holds is gone (QuickJS frees it when its count drops to zero).
let requestFields
let requestEvent
function hostRequest(f) {
  if (f !== requestFields) throw new OError('internal error: the event request is gone')
  return host('request')
}
function retireRequest() {
  const f = requestFields
  if (f === undefined) return
  const kept = apply(weakDeref, requestEvent, []) !== undefined
  requestEvent = undefined
  if (kept && f[${S.request}] === '') f[${S.request}] = host('request')
  requestFields = undefined
}

function contextOf(f, present) {
  if ((present & ${ALL_CONTEXT}) === ${ALL_CONTEXT}) {
    return { distributionDomainName: f[${F.distributionDomainName}], distributionId: f[${F.distributionId}], eventType: f[${F.eventType}], requestId: f[${F.requestId}] }
  }
  if ((present & ${ALL_CONTEXT}) === 0) return { eventType: f[${F.eventType}] }
  const c = {}
  if (present & ${P.distributionDomainName}) dataProp(c, 'distributionDomainName', f[${F.distributionDomainName}])
  if (present & ${P.distributionId}) dataProp(c, 'distributionId', f[${F.distributionId}])
  dataProp(c, 'eventType', f[${F.eventType}])
  if (present & ${P.requestId}) dataProp(c, 'requestId', f[${F.requestId}])
  return c
}
function compactEvent(text) {
  const f = splitOf(text, ${str(FIELD)})
  nowMs = +f[${F.now}]
  const present = +f[${F.present}]
  eventType = f[${F.eventType}]
  const context = contextOf(f, present)
  const viewer = { ip: f[${F.ip}] }
  if (f[${F.eventType}] === 'viewer-request') {
    const request = { method: f[${Q.method}], uri: f[${Q.uri}] }
    defineProperties(request, REQUEST_PARTS)
    ownFields = f
    ownRef = new OWeakRef(request)
    ownRoot = request
    ownSettled = false
    ownIsRequest = true
    ownMethod = request.method
    return { version: f[${F.version}], context: context, viewer: viewer, request: request }
  }
  const statusCode = +f[${S.statusCode}]
  const response = present & ${P.statusDescription}
    ? { statusCode: statusCode, statusDescription: f[${S.statusDescription}] }
    : { statusCode: statusCode }
  defineProperties(response, RESPONSE_PARTS)
  keepFields(response, f)
  const ev = { version: f[${F.version}], context: context, viewer: viewer, request: 0, response: response }
  defineProperty(ev, 'request', LAZY_REQUEST)
  keepFields(ev, f)
  ownRoot = response
  ownSettled = false
  ownIsRequest = false
  if (f[${S.request}] === '') {
    requestFields = f
    requestEvent = new OWeakRef(ev)
  }
  return ev
}

// The JSON form: the event, and the lazy part parsed on first access (its placeholder keeps
// the key order).
const JSON_REQUEST = lazyProp('request', 0, 0)
const JSON_RESPONSE = lazyProp('response', 0, 0)
function jsonEvent(text) {
  const a = apply(strIndexOf, text, ['\n'])
  const b = apply(strIndexOf, text, ['\n', a + 1])
  nowMs = +apply(strSlice, text, [1, a])
  ownRoot = undefined
  if (b < 0) return jsonParse(apply(strSlice, text, [a + 1]))
  const ev = jsonParse(apply(strSlice, text, [a + 1, b]))
  keepFields(ev, [apply(strSlice, text, [b + 1])])
  defineProperty(ev, text[0] === 'q' ? 'request' : 'response', text[0] === 'q' ? JSON_REQUEST : JSON_RESPONSE)
  return ev
}
// The event, and eventType (the cf origin helpers' check) as the event had it.
function readEvent(text) {
  if (text[0] === 'c') return compactEvent(text)
  const ev = jsonEvent(text)
  eventType = ev.context.eventType
  return ev
}
`
