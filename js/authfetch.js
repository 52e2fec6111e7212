// authfetch: a fetch that silently refreshes an expired JWT and replays what failed.
// This ES module loads the Go engine (authfetch.wasm, beside it by default), checks the
// options, and wraps the engine's functions in the public API of authfetch.d.ts.
// No build step, no dependencies.

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
// Options: types are checked here, values by the engine. Either way a wrong option is a
// TypeError that names it.

const isString = (v) => typeof v === 'string'
const isIntArray = (v) => Array.isArray(v) && v.every(Number.isInteger)
const isStringArray = (v) => Array.isArray(v) && v.every(isString)
const isFunction = (v) => typeof v === 'function'

const OPTION_TYPES = {
  baseURL: [isString, 'a string'],
  onRelogin: [isFunction, 'a function'],
  onRefresh: [isFunction, 'a function'],
  onEvent: [isFunction, 'a function'],
  debug: [(v) => typeof v === 'boolean', 'a boolean'],
  headerName: [isString, 'a string'],
  headerPrefix: [isString, 'a string'],
  expiredCodes: [isIntArray, 'an array of integers'],
  expiredStatuses: [isIntArray, 'an array of integers'],
  reloginCodes: [isIntArray, 'an array of integers'],
  reloginStatuses: [isIntArray, 'an array of integers'],
  codePath: [isString, 'a string'],
  refreshURL: [isString, 'a string'],
  refreshMethod: [isString, 'a string'],
  refreshTokenIn: [(v) => v === 'path' || v === 'body' || v === 'header', '"path", "body" or "header"'],
  refreshTokenName: [isString, 'a string'],
  accessTokenPath: [isString, 'a string'],
  refreshTokenPath: [isString, 'a string'],
  refreshTimeout: [(v) => Number.isFinite(v) && v > 0, 'a positive number of milliseconds'],
  refreshMargin: [(v) => Number.isFinite(v) && v >= 0, 'a number of milliseconds, 0 or more'],
  storageKey: [(v) => isString(v) && v !== '', 'a non-empty string'],
  allowedOrigins: [isStringArray, 'an array of origin strings'],
  wasmURL: [(v) => isString(v) || v instanceof URL, 'a string or URL']
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

function readOptions (options) {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`authfetch: options must be an object, got ${show(options)}`)
  }
  const out = {}
  for (const [name, [check, what]] of Object.entries(OPTION_TYPES)) {
    let value
    try {
      value = options[name]
    } catch (e) {
      throw new TypeError(`authfetch: option ${name}: reading it threw: ${e}`)
    }
    if (value === undefined) continue
    if (!check(value)) throw new TypeError(`authfetch: option ${name} must be ${what}, got ${show(value)}`)
    out[name] = Array.isArray(value) ? [...value] : value
  }
  for (const name of Object.keys(options)) {
    if (!(name in OPTION_TYPES)) console.warn(`authfetch: unknown option ${name} is ignored`)
  }
  return out
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
// The client.

const LISTENER_TYPES = ['refresh', 'relogin', 'tokens', 'refreshing', 'event']

// Engine events that end this client's refresh call (see 'refreshing').
const REFRESH_ENDS = ['refreshed', 'adopted', 'refresh-failed', 'relogin']

function callSafely (fn, arg) {
  try {
    fn(arg)
  } catch (e) {
    // A listener's error is the app's: report it without breaking the engine.
    if (typeof globalThis.reportError === 'function') globalThis.reportError(e)
    else setTimeout(() => { throw e })
  }
}

// expiresAt reads a JWT's exp (ms since the epoch), or null.
function expiresAt (token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const exp = JSON.parse(atob(part)).exp
    return Number.isFinite(exp) ? exp * 1000 : null
  } catch {
    return null
  }
}

function readTokens (tokens) {
  if (tokens === null || typeof tokens !== 'object') {
    throw new TypeError(`authfetch: setTokens takes { accessToken, refreshToken }, got ${show(tokens)}`)
  }
  let accessToken, refreshToken
  try {
    ({ accessToken, refreshToken } = tokens)
  } catch (e) {
    throw new TypeError(`authfetch: setTokens: reading the tokens threw: ${e}`)
  }
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError(`authfetch: setTokens: accessToken must be a non-empty string, got ${show(accessToken)}`)
  }
  if (refreshToken !== undefined && refreshToken !== null && typeof refreshToken !== 'string') {
    throw new TypeError(`authfetch: setTokens: refreshToken must be a string, got ${show(refreshToken)}`)
  }
  return [accessToken, refreshToken ?? '']
}

/**
 * Load the module (once per page and wasmURL) and make a client.
 * @param {import('./authfetch.js').AuthFetchOptions} [options]
 */
export async function createAuthFetch (options) {
  const opts = readOptions(options)
  const wasmURL = opts.wasmURL ?? new URL('./authfetch.wasm', import.meta.url)
  const storageKey = opts.storageKey ?? 'authfetch'
  const runtime = await loadRuntime(wasmURL)

  const listeners = Object.fromEntries(LISTENER_TYPES.map((t) => [t, new Set()]))
  const dispatch = (type, detail) => {
    for (const fn of listeners[type]) callSafely(fn, detail)
  }
  let engine // set below; emit runs only after it is
  // Whether this client's refresh call is out: the engine reports its start and its end
  // even when request-level events are off, so 'refreshing' costs no per-request events.
  let refreshing = false
  const hooks = {
    makeError,
    emit (event) {
      if (opts.debug) console.debug('authfetch:', event.type, event.label ?? '', event.message ?? '')
      if (opts.onEvent) callSafely(opts.onEvent, event)
      dispatch('event', event)
      if (event.type === 'refresh' && !refreshing) {
        refreshing = true
        dispatch('refreshing', { refreshing })
      } else if (refreshing && REFRESH_ENDS.includes(event.type)) {
        refreshing = false
        dispatch('refreshing', { refreshing })
      }
      if (event.type === 'refreshed') {
        const tokens = engine?.getTokens()
        const info = { expiresAt: tokens && !(tokens instanceof Error) ? expiresAt(tokens.accessToken) : null }
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

  // baseURL's origin receives the token; resolve it exactly as fetch will.
  const pageBase = globalThis.document?.baseURI ?? globalThis.location?.href
  let baseOrigin
  try {
    baseOrigin = new URL(opts.baseURL || '.', pageBase).origin
  } catch {
    throw new TypeError(`authfetch: option baseURL is not a URL: ${show(opts.baseURL)}`)
  }
  const made = runtime.newClient({ ...opts, baseOrigin, storageKey, onRelogin: undefined, onRefresh: undefined, onEvent: undefined, wasmURL: undefined }, hooks)
  if (made instanceof Error) throw made
  engine = made

  let closed = false
  const live = () => {
    if (closed) throw new AuthFetchError('authfetch: this client is closed')
    return engine
  }
  const verbose = () => engine.setVerbose(Boolean(opts.debug || opts.onEvent || listeners.event.size))
  verbose()

  // Another tab logged in, refreshed or logged out.
  const onStorage = (e) => {
    if (e.key === storageKey || e.key === null) dispatch('tokens', { loggedIn: e.newValue != null, source: 'storage' })
  }
  globalThis.addEventListener?.('storage', onStorage)

  const settle = (result) => {
    if (result instanceof Error) throw result
    return result
  }

  return Object.freeze({
    // An arrow function: works unbound, as axios calls env.fetch.
    // The engine settles the Promise itself; the arguments go as given, since fetch() and
    // fetch(undefined) differ.
    fetch: (...args) => new Promise((resolve, reject) => live().fetch(resolve, reject, ...args)),
    setTokens (tokens) {
      const [accessToken, refreshToken] = readTokens(tokens)
      settle(live().setTokens(accessToken, refreshToken))
      dispatch('tokens', { loggedIn: true, source: 'set' })
    },
    getTokens: () => settle(live().getTokens()),
    clearTokens () {
      settle(live().clearTokens())
      dispatch('tokens', { loggedIn: false, source: 'clear' })
    },
    refresh: async () => { await live().refresh() },
    on (type, listener) {
      if (!LISTENER_TYPES.includes(type)) throw new TypeError(`authfetch: on: unknown event ${show(type)}; one of ${LISTENER_TYPES.join(', ')}`)
      if (typeof listener !== 'function') throw new TypeError(`authfetch: on(${type}): listener must be a function`)
      listeners[type].add(listener)
      if (type === 'event' && !closed) verbose()
      return () => {
        listeners[type].delete(listener)
        if (type === 'event' && !closed) verbose()
      }
    },
    close () {
      if (closed) return
      closed = true
      globalThis.removeEventListener?.('storage', onStorage)
      engine.close()
    }
  })
}
