// authfetch: a fetch that silently refreshes an expired JWT and replays what failed.
// This module loads the Go engine (authfetch.wasm) and does the per-request browser work;
// Go decides: ahead of time (the plan, and the stored pair's sendUntil), or asked with
// token() and verdict() (README, "How it is built").

const ERROR_NAMES = ['AuthFetchError', 'SessionExpiredError', 'RefreshFailedError']

/** Base of authfetch's errors; `name` and `code` are stable. */
export class AuthFetchError extends Error {
  constructor (message, props = {}) {
    super(message, 'cause' in props ? { cause: props.cause } : undefined)
    this.name = 'AuthFetchError'
    this.code = 'AUTHFETCH_ERROR'
    if (props.status !== undefined) this.status = props.status
    if (props.bodyCode !== undefined) this.bodyCode = props.bodyCode
  }
}

/** The refresh token is dead: log in again. The stored tokens were cleared. */
export class SessionExpiredError extends AuthFetchError {
  constructor (message, props) {
    super(message, props)
    this.name = 'SessionExpiredError'
    this.code = 'SESSION_EXPIRED'
  }
}

/** The refresh could not complete; tokens are kept and the next request tries again. */
export class RefreshFailedError extends AuthFetchError {
  constructor (message, props) {
    super(message, props)
    this.name = 'RefreshFailedError'
    this.code = 'REFRESH_FAILED'
  }
}

// Guards check the name too, so they work across two copies of this module (bundles, iframes).
const isNamed = (error, names) =>
  error !== null && typeof error === 'object' && names.includes(error.name) && typeof error.code === 'string'

export const isAuthFetchError = (error) => error instanceof AuthFetchError || isNamed(error, ERROR_NAMES)
export const isSessionExpiredError = (error) => error instanceof SessionExpiredError || isNamed(error, ['SessionExpiredError'])
export const isRefreshFailedError = (error) => error instanceof RefreshFailedError || isNamed(error, ['RefreshFailedError'])

const ERROR_CLASSES = { SessionExpiredError, RefreshFailedError, AuthFetchError, TypeError, Error }

function makeError (kind, message, props) {
  const Class = ERROR_CLASSES[kind] || Error
  return Class === TypeError || Class === Error ? new Class(message) : new Class(message, props || {})
}

// ---------------------------------------------------------------------------------------
// Options: the loader checks its own (callbacks, debug, wasmURL); Go checks the rest, names
// included. Either way a wrong option is a TypeError that names it.

const isFunction = (v) => typeof v === 'function'

const OPTION_TYPES = {
  onRelogin: [isFunction, 'a function'],
  onRefresh: [isFunction, 'a function'],
  onEvent: [isFunction, 'a function'],
  debug: [(v) => typeof v === 'boolean', 'a boolean'],
  wasmURL: [(v) => typeof v === 'string' || v instanceof URL, 'a string or URL']
}

function show (v) {
  try {
    if (typeof v === 'string') return JSON.stringify(v)
    if (typeof v === 'symbol' || typeof v === 'function') return typeof v
    return JSON.stringify(v) ?? String(v)
  } catch {
    return typeof v
  }
}

// A value JSON cannot hold crosses as {$js: what it is}, for Go's error to name.
const marked = (k, v) => typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ||
  v === undefined || (typeof v === 'number' && !isFinite(v))
  ? { $js: typeof v === 'number' ? String(v) : typeof v }
  : v

// readOptions returns the loader's own options and the rest, own properties only: a
// polluted Object.prototype must not choose where tokens go.
function readOptions (options) {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`authfetch: options must be an object, got ${show(options)}`)
  }
  const own = Object.create(null)
  const rest = Object.create(null)
  for (const name of Object.keys(options)) {
    let value
    try {
      value = options[name]
    } catch (e) {
      throw new TypeError(`authfetch: option ${name}: reading it threw: ${e}`)
    }
    if (value === undefined) continue
    const type = OPTION_TYPES[name]
    if (!type) rest[name] = value
    else if (!type[0](value)) throw new TypeError(`authfetch: option ${name} must be ${type[1]}, got ${show(value)}`)
    else own[name] = value
  }
  return [own, rest]
}

// ---------------------------------------------------------------------------------------
// The Go runtime: one per page and wasm URL, shared by every client.

const runtimes = new Map()

function loadRuntime (wasmURL) {
  const key = String(wasmURL)
  let runtime = runtimes.get(key)
  if (!runtime) {
    runtime = startRuntime(key)
    runtimes.set(key, runtime)
    runtime.catch(() => runtimes.delete(key)) // a later call may try again
  }
  return runtime
}

async function startRuntime (url) {
  // The wasm download starts now, beside the import of wasm_exec.js, not after it.
  const download = fetch(url)
  download.catch(() => {}) // handled below; no unhandled-rejection report in the meantime
  if (typeof globalThis.Go !== 'function') {
    // Defines globalThis.Go. The URL is computed on purpose: bundlers copy the file as an
    // asset (new URL(..., import.meta.url)) and must not try to bundle the import itself.
    await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL('./wasm_exec.js', import.meta.url).href)
  }
  const go = new globalThis.Go()
  const readyName = `__authfetchReady${Math.random().toString(36).slice(2)}`
  const ready = new Promise((resolve) => { globalThis[readyName] = resolve })
  go.argv = ['authfetch', readyName]
  try {
    const response = await download
    if (!response.ok) throw new Error(`authfetch: cannot load ${url}: HTTP ${response.status}`)
    let instance
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(response.clone(), go.importObject))
    } catch (e) {
      // A server that does not send application/wasm: compile from the bytes instead.
      ({ instance } = await WebAssembly.instantiate(await response.arrayBuffer(), go.importObject))
    }
    const exited = go.run(instance).then(() => {
      throw new Error('authfetch: the Go runtime exited before it was ready')
    })
    return await Promise.race([ready, exited])
  } finally {
    delete globalThis[readyName]
  }
}

// ---------------------------------------------------------------------------------------
// The rotation log (wasm/bridge/rotations.go): which pair replaced which, in IndexedDB,
// since localStorage can lag behind another tab. Keyed by storage key and a hash of the
// replaced access token; kept an hour. Without IndexedDB the log is empty.

const ROTATION_TTL = 3600e3
let rotationDB

const idbDone = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result)
  request.onerror = () => reject(request.error)
})

function openRotations () {
  rotationDB ??= new Promise((resolve) => {
    try {
      const open = indexedDB.open('authfetch', 1)
      open.onupgradeneeded = () => open.result.createObjectStore('rotations')
      open.onsuccess = () => resolve(open.result)
      open.onerror = open.onblocked = () => resolve(null)
    } catch {
      resolve(null)
    }
  })
  return rotationDB
}

async function rotations (op, key, from, toHash, to) {
  const db = await openRotations()
  if (!db) return null
  const tx = db.transaction('rotations', op === 'get' ? 'readonly' : 'readwrite')
  const store = tx.objectStore('rotations')
  if (op === 'get') { // follow the chain to the newest pair
    let found = null
    for (let i = 0; i < 16; i++) {
      const r = await idbDone(store.get([key, from]))
      if (!r) break
      found = r.to
      from = r.toHash
    }
    return found
  }
  const old = Date.now() - ROTATION_TTL
  const cursor = store.openCursor()
  cursor.onsuccess = () => {
    const c = cursor.result
    if (!c) return
    if (op === 'clear' ? c.key[0] === key : c.value.at < old) c.delete()
    c.continue()
  }
  if (op === 'put') store.put({ to, toHash, at: Date.now() }, [key, from])
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(null)
    tx.onerror = tx.onabort = () => reject(tx.error)
  })
}

// ---------------------------------------------------------------------------------------
// The client.

const LISTENER_TYPES = ['refresh', 'relogin', 'tokens', 'refreshing', 'event']

function callSafely (fn, arg) {
  try {
    fn(arg)
  } catch (e) {
    // A listener's error is the app's: report it without breaking the engine.
    if (typeof globalThis.reportError === 'function') globalThis.reportError(e)
    else setTimeout(() => { throw e })
  }
}

function readTokens (tokens) {
  if (tokens === null || typeof tokens !== 'object') {
    throw new TypeError(`authfetch: setTokens takes { accessToken, refreshToken }, got ${show(tokens)}`)
  }
  let accessToken, refreshToken, expiresIn
  try {
    ({ accessToken, refreshToken, expiresIn } = tokens)
  } catch (e) {
    throw new TypeError(`authfetch: setTokens: reading the tokens threw: ${e}`)
  }
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError(`authfetch: setTokens: accessToken must be a non-empty string, got ${show(accessToken)}`)
  }
  if (refreshToken !== undefined && refreshToken !== null && typeof refreshToken !== 'string') {
    throw new TypeError(`authfetch: setTokens: refreshToken must be a string, got ${show(refreshToken)}`)
  }
  if (expiresIn != null && !(Number.isFinite(expiresIn) && expiresIn > 0)) {
    throw new TypeError(`authfetch: setTokens: expiresIn must be a positive number of seconds, got ${show(expiresIn)}`)
  }
  return [accessToken, refreshToken ?? '', expiresIn]
}

// ---------------------------------------------------------------------------------------
// What Go decided ahead of time, read from localStorage: the start plan of these options
// (wasm/bridge/start.go), and the stored pair with its sendUntil.

function stored (key) {
  try {
    return globalThis.localStorage.getItem(key)
  } catch {
    return null
  }
}

function parsed (raw) {
  try {
    return JSON.parse(raw)
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------
// The per-request browser work.

// isAbsoluteURL is what axios treats as absolute: a scheme followed by "//", or "//host";
// data: and blob: URLs too, which have no "//".
const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\/|^(data|blob):/i

// joinURL joins a request URL to baseURL the way axios does: an absolute URL is kept, a
// relative one is appended with exactly one slash between them ("/api" + "/user/info").
function joinURL (base, input) {
  if (base === '' || ABSOLUTE.test(input)) return input
  if (input === '') return base
  return base.replace(/\/+$/, '') + '/' + input.replace(/^\/+/, '')
}

// originOf is the origin of an http(s) Request.url: everything before the path. Anything
// else (userinfo, blob:, data:) gives a string no origin set holds: no token.
function originOf (url) {
  const start = url.indexOf('//') + 2
  const end = url.indexOf('/', start)
  return start < 2 || end < 0 ? '' : url.slice(0, end)
}

// A code is read only where "expired" can be: a JSON media type, at most maxCodeBody bytes.
// Streams (event-stream, ndjson, json-seq) never are: fetch resolves at their head.
function isJSON (contentType) {
  if (contentType === null) return false
  const type = contentType.split(';', 1)[0].trim().toLowerCase()
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json')
}

async function readBounded (body, max) {
  const reader = body.getReader()
  const chunks = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) { all.set(c, at); at += c.byteLength }
  return all
}

const decoder = new TextDecoder()

// codeOf reads the code at plan.codePath from a clone of res: a number, a string, or undefined.
async function codeOf (res, plan) {
  const status = res.status
  if (!plan.readsCode || status < 200 || status === 204 || status === 304 || res.body === null) return undefined
  const headers = res.headers
  if (!isJSON(headers.get('content-type'))) return undefined
  const length = headers.get('content-length')
  let text
  if (length !== null && /^\s*\d+\s*$/.test(length)) {
    if (Number(length) > plan.maxCodeBody) return undefined
    text = await res.clone().text()
  } else {
    const bytes = await readBounded(res.clone().body, plan.maxCodeBody)
    if (bytes === null) return undefined
    text = decoder.decode(bytes)
  }
  let value
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  for (const key of plan.codePath) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined
    value = value[key]
  }
  return typeof value === 'number' || typeof value === 'string' ? value : undefined
}

// settled is the engine's answer, or what its Promise settles with; a returned Error is
// thrown. An abort while waiting rejects at once; the refresh goes on for the others.
function settled (answer, signal, signalled) {
  if (answer instanceof Error) throw answer
  if (answer === null || typeof answer !== 'object' || !signalled) return answer
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

// ---------------------------------------------------------------------------------------
// The client.

/**
 * Load the module (once per page and wasmURL) and make a client.
 * @param {import('./authfetch.js').AuthFetchOptions} [options]
 */
export async function createAuthFetch (options) {
  const [opts, rest] = readOptions(options)
  const wasmURL = opts.wasmURL ?? new URL('./authfetch.wasm', import.meta.url)

  // baseURL is resolved once, now, against the page as fetch would resolve it: a <base href>
  // added later moves neither the requests nor the refresh call. Its origin gets the token.
  const pageBase = globalThis.document?.baseURI ?? globalThis.location?.href
  if (!pageBase) throw new AuthFetchError('authfetch: no browser here: create the client in the browser, not on the server')
  const given = typeof rest.baseURL === 'string' ? rest.baseURL : '' // else Go names it
  let baseURL = ''
  let baseOrigin
  try {
    const resolved = new URL(given || '.', pageBase)
    baseOrigin = resolved.origin
    if (given) baseURL = ABSOLUTE.test(given) ? given : resolved.href
  } catch {
    throw new TypeError(`authfetch: option baseURL is not a URL: ${show(given)}`)
  }

  // A relative refreshURL is resolved now too: it is where the refresh token goes.
  let refreshURL = rest.refreshURL
  if (typeof refreshURL === 'string' && !refreshURL.startsWith('{baseURL}') && !ABSOLUTE.test(refreshURL)) {
    const mark = 'authfetch-refresh-token-here'
    try {
      refreshURL = new URL(refreshURL.replaceAll('{refreshToken}', mark), pageBase).href.replaceAll(mark, '{refreshToken}')
    } catch {
      throw new TypeError(`authfetch: option refreshURL is not a URL: ${show(rest.refreshURL)}`)
    }
  }

  const listeners = Object.fromEntries(LISTENER_TYPES.map((t) => [t, new Set()]))
  const dispatch = (type, detail) => {
    for (const fn of listeners[type]) callSafely(fn, detail)
  }
  // Whether this client's refresh is running: the engine reports the start ('refresh') and
  // exactly one end (an event with ends: true) even when request-level events are off.
  let refreshing = false
  const hooks = {
    makeError,
    rotations,
    emit (event) {
      if (opts.debug) console.debug('authfetch:', event.type, event.label ?? '', event.message ?? '')
      if (opts.onEvent) callSafely(opts.onEvent, event)
      dispatch('event', event)
      if (event.type === 'refresh' && !refreshing) {
        refreshing = true
        dispatch('refreshing', { refreshing })
      } else if (event.ends && refreshing) {
        refreshing = false
        dispatch('refreshing', { refreshing })
      }
      if (event.type === 'refreshed') {
        const info = { expiresAt: event.expiresAt ?? null }
        if (opts.onRefresh) callSafely(opts.onRefresh, info)
        dispatch('refresh', info)
        dispatch('tokens', { loggedIn: true, source: 'refresh' })
      } else if (event.type === 'relogin') {
        const info = { reason: event.message ?? 'the session is over' }
        if (event.status !== undefined) info.status = event.status
        if (event.code !== undefined) info.code = event.code
        if (opts.onRelogin) callSafely(opts.onRelogin, info)
        dispatch('relogin', info)
        dispatch('tokens', { loggedIn: false, source: 'relogin' })
      }
    }
  }
  const wantsEvents = () => Boolean(opts.debug || opts.onEvent || listeners.event.size)
  let verbose = wantsEvents()
  const setVerbose = () => {
    verbose = wantsEvents()
    if (!closed) engine?.setVerbose(verbose)
  }

  // The options cross into Go once, as JSON; Go validates them and answers with the plan
  // the per-request work follows (header, origins, how to read a code, which replies may
  // mean "expired"), and keeps that plan for the next page load under these options.
  const settings = { ...rest, baseOrigin }
  if (given) settings.baseURL = baseURL
  if (refreshURL !== undefined) settings.refreshURL = refreshURL
  const json = JSON.stringify(settings, marked)

  // With the plan Go kept for exactly these options, the client is ready before Go is up:
  // see send. setTokens and clearTokens made meanwhile wait in queued.
  let engine = null
  let plan, origins
  let closed = false
  let failed = null // why Go refused these options after all (a changed build)
  let queued = []
  let pending // the pair queued last, or null
  let loading
  const up = () => loading ??= loadRuntime(wasmURL).then((runtime) => {
    const eng = runtime.newClient(json, wantsEvents(), hooks)
    if (eng instanceof Error) throw eng
    for (const call of queued) {
      const r = call(eng)
      if (r instanceof Error) callSafely(() => { throw r })
    }
    queued = null
    plan = parsed(eng.plan)
    origins = new Set(plan.origins)
    if (closed) eng.close()
    return (engine = eng)
  })
  // Go loads once the page's first requests are answered (compiling it takes the CPU for
  // a while), when something needs it, or after a second.
  const start = () => up().catch((e) => {
    failed = e
    callSafely(() => { throw e })
  })
  plan = verbose ? null : parsed(stored('authfetch:start:' + json))
  if (plan?.format !== 1) await up()
  else setTimeout(start, 1e3)
  origins = new Set(plan.origins)
  const storageKey = plan.storageKey // its default lives in Go

  const live = () => {
    if (closed) throw new AuthFetchError('authfetch: this client is closed')
    if (failed) throw failed
    return engine
  }
  // ready is Go's client, once up; an abort while waiting rejects at once.
  const ready = (signal, signalled) => engine ?? settled(up(), signal, signalled)

  // The stored pair, parsed once per change; held: Go answered with a Promise (a refresh)
  // and has not answered with a token since.
  let seen = [null, null]
  let held = false
  const flying = new Set() // [token, AbortController] of safe requests waiting for their reply
  const pair = () => {
    const raw = stored(storageKey)
    if (raw !== seen[0]) seen = [raw, parsed(raw)]
    return seen[1]
  }

  // Another tab logged in, refreshed or logged out.
  const onStorage = (e) => {
    if (e.key === storageKey || e.key === null) dispatch('tokens', { loggedIn: e.newValue != null, source: 'storage' })
  }
  globalThis.addEventListener?.('storage', onStorage)

  const settle = (result) => {
    if (result instanceof Error) throw result
    return result
  }
  // Go's setTokens or clearTokens, now or once Go is up.
  const change = (call, next) => {
    const eng = live()
    if (eng) settle(call(eng))
    else {
      queued.push(call)
      pending = next
    }
  }

  // One auth.fetch call. fetch is looked up per call: the page may wrap it.
  async function send (input, init) {
    live()
    let req
    if (input instanceof Request) {
      req = new Request(input, init)
    } else {
      if (typeof input === 'symbol') throw new TypeError('authfetch: fetch input must be a string, URL or Request, got a symbol')
      req = new Request(joinURL(baseURL, String(input)), init)
    }
    const skip = init !== undefined && init !== null && init.skipAuth
    if (skip || !origins.has(originOf(req.url))) return globalThis.fetch(req)
    // fetch would take the token along to wherever a redirect points, unseen: no following
    // unless tokenRedirects allows it.
    const manual = req.redirect === 'follow' && plan.redirect === 'manual'
    const refused = (r) => {
      if (manual && r.type === 'opaqueredirect') throw new AuthFetchError(plan.redirectRefused + req.url)
      return r
    }

    // The replay needs the body again: keep a copy before the first attempt consumes it.
    const replayable = !(init?.body instanceof ReadableStream)
    const keep = replayable && req.body !== null ? req.clone() : req
    const signal = req.signal
    // Listen for an abort only when the app can abort: it gave a signal or a Request.
    const signalled = input instanceof Request || (init !== undefined && init !== null && init.signal != null)
    const label = verbose ? `${req.method} ${req.url}` : undefined

    // The stored token while Go judged it fresh (sendUntil), else Go's answer.
    const p = pair()
    let token, session
    if (!verbose && !held && !queued?.length && typeof p?.accessToken === 'string' && Date.now() < p.sendUntil) {
      token = p.accessToken
      session = p.session
    } else {
      token = (await ready(signal, signalled)).token(label)
      if (typeof token === 'string') held = false
      else {
        held = true
        token = await settled(token, signal, signalled)
      }
    }
    // A safe request (GET, HEAD) can be taken back: when another reply says its token
    // expired, it is aborted before its own "expired" reply (behind others on the
    // connections, often never sent) and waits for the refresh instead.
    const back = new AbortController()
    const mine = [token, back]
    const safe = AbortSignal.any && replayable && /^(GET|HEAD)$/.test(req.method)
    if (manual || safe) req = new Request(req, { redirect: manual ? 'manual' : undefined, signal: safe ? signalled ? AbortSignal.any([signal, back.signal]) : back.signal : undefined })
    if (token !== '') req.headers.set(plan.headerName, plan.headerPrefix + token)
    let res, status, code
    if (safe) flying.add(mine)
    try {
      res = refused(await globalThis.fetch(req))
      status = res.status
      code = await codeOf(res, plan)
    } catch (e) {
      if (!back.signal.aborted || signal.aborted) throw e
    } finally {
      flying.delete(mine)
    }
    // Taken back, even after its head arrived: its body is gone, it waits for the refresh.
    if (back.signal.aborted && !signal.aborted) [status, code, res] = back.signal.reason
    if (!engine) (globalThis.requestIdleCallback ?? setTimeout)(start)
    if (signal.aborted) throw signal.reason // aborted before the caller got its Response
    // Go judges the replies that may mean "expired" by the plan.
    const n = Number(code)
    if (!plan.expiredStatuses.includes(status) && (code === undefined || !(plan.expiredCodes.includes(n) || isNaN(n)))) return res
    // Newest first: those still queued in the browser are cancelled before an aborted one
    // gives back a connection they could take.
    for (const f of [...flying].reverse()) if (f[0] === token) f[1].abort([status, code])
    const verdict = (await ready(signal, signalled)).verdict(status, code, token, label, session)
    if (res && verdict == null) return res
    held = true
    const fresh = verdict == null ? token : await settled(verdict, signal, signalled)
    if (!replayable) throw new TypeError(plan.streamReplay)
    keep.headers.set(plan.headerName, plan.headerPrefix + fresh)
    const replay = refused(await globalThis.fetch(manual ? new Request(keep, { redirect: 'manual' }) : keep))
    if (signal.aborted) throw signal.reason
    return replay
  }

  return Object.freeze({
    // An arrow function: works unbound, as axios calls env.fetch. fetch() and
    // fetch(undefined) differ, so the arguments are counted.
    fetch: (...args) => args.length === 0
      ? Promise.reject(new TypeError("authfetch: fetch needs 1 argument, but got none"))
      : send(args[0], args[1]),
    setTokens (tokens) {
      const [accessToken, refreshToken, expiresIn] = readTokens(tokens)
      change((eng) => eng.setTokens(accessToken, refreshToken, expiresIn), { accessToken, refreshToken })
      dispatch('tokens', { loggedIn: true, source: 'set' })
    },
    getTokens () {
      const eng = live()
      if (eng) return settle(eng.getTokens())
      if (queued.length) return pending && { ...pending }
      const p = pair()
      return typeof p?.accessToken === 'string' ? { accessToken: p.accessToken, refreshToken: p.refreshToken ?? '' } : null
    },
    clearTokens () {
      change((eng) => eng.clearTokens(), null)
      dispatch('tokens', { loggedIn: false, source: 'clear' })
    },
    refresh: async () => {
      live()
      held = true
      await settled((await ready()).refresh())
    },
    on (type, listener) {
      if (!LISTENER_TYPES.includes(type)) throw new TypeError(`authfetch: on: unknown event ${show(type)}; one of ${LISTENER_TYPES.join(', ')}`)
      if (typeof listener !== 'function') throw new TypeError(`authfetch: on(${type}): listener must be a function`)
      listeners[type].add(listener)
      if (type === 'event') setVerbose()
      return () => {
        listeners[type].delete(listener)
        if (type === 'event') setVerbose()
      }
    },
    close () {
      if (closed) return
      closed = true
      globalThis.removeEventListener?.('storage', onStorage)
      engine?.close()
    }
  })
}
