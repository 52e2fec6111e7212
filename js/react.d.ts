/**
 * authfetch/react: the client in a React 19 app, with its session as state.
 * `react` (19) is a peer dependency.
 */
import type { ReactElement, ReactNode } from 'react'
import type { AuthFetch, AuthFetchInit, ReloginInfo, TokensInput } from './authfetch.js'

/** A client's session as seen by one render: the same for every component of that render. */
export interface AuthFetchState {
  /** Whether a token pair is stored (here or by another tab). */
  readonly loggedIn: boolean
  /** Whether this client's refresh call is out; requests wait for it meanwhile. */
  readonly refreshing: boolean
  /**
   * The session was lost (the refresh token is dead): show the login dialog. Cleared by new
   * tokens (setTokens here or a login in another tab), by clearTokens, or by dismissRelogin.
   */
  readonly reloginNeeded: boolean
  /**
   * Why the session was lost: set with reloginNeeded, back to null with new tokens or
   * clearTokens (dismissRelogin keeps it).
   */
  readonly reloginInfo: Readonly<ReloginInfo> | null
}

/** What useAuthFetch() returns: the state, plus the calls that change it. */
export interface AuthFetchSession extends AuthFetchState {
  /** The client the session follows. */
  readonly client: AuthFetch
  /** The client's fetch (works unbound; the same function on every render). */
  readonly fetch: (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response>
  /** The client's setTokens: store the pair after the app's login call. */
  readonly setTokens: (tokens: TokensInput) => void
  /** The client's clearTokens: log out. */
  readonly clearTokens: () => void
  /** Close the "log in again" prompt without logging in (the user chose to stay). */
  readonly dismissRelogin: () => void
}

export interface AuthFetchProviderProps {
  /** The client createAuthFetch() resolved to (create it in the browser). */
  client: AuthFetch
  children?: ReactNode
}

/** Gives the client to every component below: `<AuthFetchProvider client={auth}>`. Throws a TypeError for anything but a client. */
export declare function AuthFetchProvider(props: AuthFetchProviderProps): ReactElement

/**
 * The session of the provider's client (built on useSyncExternalStore: tear-free, and it
 * follows other tabs). Throws if no AuthFetchProvider is above the component.
 */
export declare function useAuthFetch(): AuthFetchSession
