/**
 * authfetch: a `fetch` that silently refreshes an expired JWT and replays what failed.
 * The engine is Go compiled to WebAssembly (`authfetch.wasm`, loaded beside this module).
 */

/** The token pair kept in localStorage (one entry, key `storageKey`). */
export interface Tokens {
  accessToken: string
  refreshToken: string
}

/** What `setTokens` takes: a refresh token is optional for backends without one. */
export interface TokensInput {
  accessToken: string
  /** Absent under refreshTokenIn "cookie" (an HttpOnly cookie) and "accessToken" (sliding refresh). */
  refreshToken?: string | null
  /** The access token's lifetime in seconds (OAuth 2.0 `expires_in`): drives the early refresh of a token that is not a JWT. */
  expiresIn?: number | null
}

/** Passed to `onRelogin` and the `relogin` event: why the session is over. Never a token. */
export interface ReloginInfo {
  /** What ended the session, e.g. "the refresh endpoint answered code 10007". */
  reason: string
  /** The refresh reply's HTTP status, when there was one. */
  status?: number
  /** The refresh reply's body code, when there was one. */
  code?: number
}

/** Passed to `onRefresh` and the `refresh` event after new tokens were saved. */
export interface RefreshInfo {
  /** When the new access token expires (ms since the epoch, from its `exp`), or null if unknown. */
  expiresAt: number | null
}

/** Passed to the `tokens` event: the stored pair changed here or in another tab. */
export interface TokensChange {
  /** Whether a pair is stored now. */
  loggedIn: boolean
  /** Who changed it: this client (`set`, `clear`, `refresh`, `relogin`) or another tab (`storage`). */
  source: 'set' | 'clear' | 'refresh' | 'relogin' | 'storage'
}

/** Passed to the `refreshing` event: this client's refresh call started (true) or ended (false), whatever its outcome. */
export interface RefreshingChange {
  refreshing: boolean
}

/**
 * One step of the engine, for logs and debugging. Never carries a token.
 * `newer`: a reply said "expired" for a token older than the stored one; the request is
 * replayed with the stored pair and no refresh starts.
 * Every `refresh` (a refresh starts) is followed by exactly one event with `ends: true`:
 * `refreshed`, `adopted` (another tab had refreshed), `refresh-failed`, `relogin` or
 * `session-ended` (the session was over already: logged out, or its loss reported).
 */
export interface AuthFetchEvent {
  type: 'send' | 'expired' | 'wait' | 'newer' | 'refresh' | 'refreshed' | 'adopted' | 'refresh-failed' | 'relogin' | 'session-ended'
  /** The request, as "METHOD url", for request events. */
  label?: string
  /** `send`: this attempt is the replay. */
  replay?: boolean
  /** This event ends the refresh that the last `refresh` event started. */
  ends?: boolean
  status?: number
  code?: number
  /** `refreshed`, `adopted`: when the access token now stored expires (ms since the epoch, from its `exp`), or null if unknown. */
  expiresAt?: number | null
  /** `refresh-failed`, `relogin`, `session-ended`: why. */
  message?: string
  /** `performance.now()` when it happened. */
  time: number
}

/** The refresh protocols spoken with few options; see the README's section on each. */
export type AuthFetchPreset = 'seed' | 'oauth2' | 'sliding'

export interface AuthFetchOptions {
  /**
   * A group of options for one refresh protocol: "seed" (the default: X-Token, 50014,
   * POST {baseURL}/refreshJwt/{refreshToken}), "oauth2" (RFC 6749 refresh grant; needs
   * refreshURL and clientId) or "sliding" (gin-jwt: the access token refreshes itself).
   * Any option given beside it wins.
   */
  preset?: AuthFetchPreset
  /** OAuth 2.0 client id, sent with the refresh grant (required by preset "oauth2"). Never a secret. */
  clientId?: string
  /** OAuth 2.0 scope sent with the refresh grant. Default: none (the server keeps the granted scope). */
  scope?: string
  /** Relative request URLs are joined to it the way axios joins them; its origin receives the token. Default: the page. */
  baseURL?: string
  /** The refresh token is dead: log in again. Called once per lost session. */
  onRelogin?: (info: ReloginInfo) => void
  /** New tokens were saved after a refresh. */
  onRefresh?: (info: RefreshInfo) => void
  /** Every step of the engine (see AuthFetchEvent). */
  onEvent?: (event: AuthFetchEvent) => void
  /** Log every step to console.debug. Tokens are never logged. Default false. */
  debug?: boolean

  /** Request header that carries the access token. Default "X-Token"; "Authorization" for a standard backend. */
  headerName?: string
  /** Written before the token in that header. Default ""; "Bearer " for a standard backend. */
  headerPrefix?: string
  /** Body codes of a JSON reply that mean "access token expired". Default [50014]. */
  expiredCodes?: number[]
  /** HTTP statuses that mean "access token expired". Default [401]. */
  expiredStatuses?: number[]
  /** Body codes of the refresh reply that mean "refresh token dead, log in again". Default [10007]. */
  reloginCodes?: number[]
  /** HTTP statuses of the refresh reply that mean "log in again". Default [401, 403]. */
  reloginStatuses?: number[]
  /** Where a JSON reply keeps its business code, as dot-separated keys. Default "code". */
  codePath?: string

  /** The refresh endpoint; {baseURL} and {refreshToken} are replaced. Default "{baseURL}/refreshJwt/{refreshToken}". */
  refreshURL?: string
  /** The refresh call's method. Default "POST". */
  refreshMethod?: string
  /**
   * Where the refresh token travels: in the URL path (the protocol's default), a JSON body
   * field, a header, or an OAuth 2.0 form (`grant_type=refresh_token&refresh_token=…&client_id=…`).
   * "cookie": it is an HttpOnly cookie; the refresh call includes credentials and no refresh
   * token is kept in JavaScript. "accessToken": there is none; the refresh call carries the
   * access token in headerName/headerPrefix, expired or not (sliding refresh).
   */
  refreshTokenIn?: 'path' | 'body' | 'header' | 'form' | 'cookie' | 'accessToken'
  /** The JSON field (`body`, default "refreshToken") or header (`header`, default "X-Refresh-Token"). */
  refreshTokenName?: string
  /** Where the refresh reply keeps the new access token. Default "data.token". */
  accessTokenPath?: string
  /** Where the refresh reply keeps the new refresh token; absent keeps the old one. Default "data.refreshToken". */
  refreshTokenPath?: string
  /** Where the refresh reply keeps the new access token's lifetime in seconds ("expires_in" under preset "oauth2"). */
  expiresInPath?: string
  /** Milliseconds a refresh may take, waiting for another tab included. Default 15000. */
  refreshTimeout?: number
  /** Refresh before sending when the access token expires within this many ms (shrinks for short-lived tokens). 0 turns it off. Default 30000. */
  refreshMargin?: number

  /** localStorage key of the token pair; also names the cross-tab refresh lock. Default "authfetch". */
  storageKey?: string
  /** Further origins ("https://api.example.com") that receive the token. baseURL's origin always does. */
  allowedOrigins?: string[]
  /**
   * What a request that carries the token does when the reply is a redirect. "error" (the
   * default): it rejects with an AuthFetchError, since the browser would send the token
   * header on to wherever the redirect points, which scripts cannot see first. "follow":
   * it follows, as fetch does; choose it only when every redirect stays on allowed origins.
   * A request's own `redirect: 'manual'` or `'error'` is kept.
   */
  tokenRedirects?: 'error' | 'follow'
  /** Where authfetch.wasm is. Default: beside this module. With Vite: `import wasmURL from 'authfetch/authfetch.wasm?url'`. */
  wasmURL?: string | URL
}

/** `fetch`'s init, plus `skipAuth` to send a request untouched: no token, no refresh (a login call). */
export interface AuthFetchInit extends RequestInit {
  skipAuth?: boolean
}

export interface AuthFetchEventMap {
  refresh: RefreshInfo
  relogin: ReloginInfo
  tokens: TokensChange
  refreshing: RefreshingChange
  event: AuthFetchEvent
}

export interface AuthFetch {
  /**
   * Same signature and result as `window.fetch`, and works unbound. Resolves with the reply to the
   * last attempt. Rejects only when fetch would (network, abort) or with a SessionExpiredError or
   * RefreshFailedError when authentication cannot be restored.
   */
  fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>
  /** Store a new pair after the app's own login. Throws a TypeError for a wrong shape and keeps the stored pair. */
  setTokens(tokens: TokensInput): void
  /** The stored pair, or null. Synchronous. */
  getTokens(): Tokens | null
  /** Log out: remove the pair. No relogin event follows. */
  clearTokens(): void
  /** Refresh now (sharing any refresh in flight). Resolves when the new pair is stored. */
  refresh(): Promise<void>
  /** Listen to an event; returns the function that stops listening. */
  on<K extends keyof AuthFetchEventMap>(type: K, listener: (detail: AuthFetchEventMap[K]) => void): () => void
  /** Release the client: its fetch rejects afterwards. Other clients on the page are not affected. */
  close(): void
}

/** Base of authfetch's errors. Check with `instanceof` or `isAuthFetchError` (works across bundles). */
export class AuthFetchError extends Error {
  readonly name: string
  /** Stable machine-readable code. */
  readonly code: string
  /** The refresh reply's HTTP status, when there was one. */
  readonly status?: number
  /** The refresh reply's body code, when there was one. */
  readonly bodyCode?: number
}

/** The refresh token is dead: log in again. The stored tokens were cleared. */
export class SessionExpiredError extends AuthFetchError {
  readonly name: 'SessionExpiredError'
  readonly code: 'SESSION_EXPIRED'
}

/** The refresh could not complete (network, timeout, 5xx, malformed reply). Tokens are kept; the next request tries again. */
export class RefreshFailedError extends AuthFetchError {
  readonly name: 'RefreshFailedError'
  readonly code: 'REFRESH_FAILED'
}

export function isAuthFetchError(error: unknown): error is AuthFetchError
export function isSessionExpiredError(error: unknown): error is SessionExpiredError
export function isRefreshFailedError(error: unknown): error is RefreshFailedError

/**
 * Load the module (once per page and wasmURL) and make a client. Rejects with a TypeError naming a wrong option,
 * and with an AuthFetchError outside a browser (server-side rendering): create the client in the browser.
 * With the plan the module kept for the same options on an earlier page load, it resolves before the module is up;
 * requests that need the module wait for it, and setTokens, clearTokens and refresh reach it in order.
 */
export function createAuthFetch(options?: AuthFetchOptions): Promise<AuthFetch>
