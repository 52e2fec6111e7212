/**
 * authfetch/vue: the client in a Vue 3 app, with its session as reactive state.
 * `vue` (3.3 or later) is a peer dependency.
 */
import type { App, InjectionKey, Ref } from 'vue'
import type { AuthFetch, AuthFetchInit, ReloginInfo, TokensInput } from './authfetch.js'

/** A client's session as reactive, read-only state, plus the calls that change it. */
export interface AuthFetchSession {
  /** The client the session follows. */
  readonly client: AuthFetch
  /** The client's fetch (works unbound). */
  readonly fetch: (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response>
  /** Whether a token pair is stored (here or by another tab). */
  readonly loggedIn: Readonly<Ref<boolean>>
  /** Whether this client's refresh call is out; requests wait for it meanwhile. */
  readonly refreshing: Readonly<Ref<boolean>>
  /**
   * The session was lost (the refresh token is dead): show the login dialog. Cleared by new
   * tokens (setTokens here or a login in another tab), by clearTokens, or by dismissRelogin.
   */
  readonly reloginNeeded: Readonly<Ref<boolean>>
  /** Why the session was lost, while reloginNeeded; otherwise null. */
  readonly reloginInfo: Readonly<Ref<Readonly<ReloginInfo> | null>>
  /** The client's setTokens: store the pair after the app's login call. */
  setTokens(tokens: TokensInput): void
  /** The client's clearTokens: log out. */
  clearTokens(): void
  /** Close the "log in again" prompt without logging in (the user chose to stay). */
  dismissRelogin(): void
  /** Stop following the client. The plugin does it when the app unmounts. */
  stop(): void
}

/** The injection key under which the plugin provides the session. */
export declare const authFetchKey: InjectionKey<AuthFetchSession>

/** The Vue plugin: `app.use(authFetchPlugin, auth)`, with the client createAuthFetch() resolved to. */
export declare const authFetchPlugin: {
  install(app: App, auth: AuthFetch): void
}

/** The session provided by authFetchPlugin. Call it in a component's setup(). Throws if the plugin is not installed. */
export declare function useAuthFetch(): AuthFetchSession

/** The session of a client as reactive state, outside components (a router guard, a store). */
export declare function createAuthFetchSession(auth: AuthFetch): AuthFetchSession

declare module 'vue' {
  interface ComponentCustomProperties {
    /** The session authFetchPlugin provides, in templates. */
    $authFetch: AuthFetchSession
  }
}
