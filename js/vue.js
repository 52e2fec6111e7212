// authfetch/vue: the client in a Vue 3 app. A plugin provides it to every component, and
// useAuthFetch() gives a component the client's fetch and its session as reactive state
// (loggedIn, refreshing, reloginNeeded), so the app shows its login dialog from state.
//
//   import { createAuthFetch } from 'authfetch'
//   import { authFetchPlugin } from 'authfetch/vue'
//   const auth = await createAuthFetch({ baseURL: '/api' })   // loads the wasm once
//   createApp(App).use(authFetchPlugin, auth).mount('#app')
//
// `vue` is a peer dependency: this module is for bundlers (Vite, webpack, Rollup).

import { inject, readonly, ref, shallowRef } from 'vue'

/** The injection key under which the plugin provides the session (see useAuthFetch). */
export const authFetchKey = Symbol('authfetch')

const isClient = (v) =>
  v !== null && typeof v === 'object' && typeof v.fetch === 'function' && typeof v.on === 'function' && typeof v.getTokens === 'function'

/**
 * The session of a client as reactive state, for use outside components too (a router
 * guard, a store). The plugin makes one per app; call stop() for one made by hand.
 */
export function createAuthFetchSession (auth) {
  if (!isClient(auth)) {
    throw new TypeError('authfetch/vue: pass the client that createAuthFetch() resolved to')
  }
  const loggedIn = ref(auth.getTokens() !== null)
  const refreshing = ref(false)
  const reloginNeeded = ref(false)
  const reloginInfo = shallowRef(null)

  const stops = [
    auth.on('tokens', ({ loggedIn: now, source }) => {
      loggedIn.value = now
      // New tokens (a login here or in another tab) or a deliberate logout end the
      // "log in again" state; the tokens cleared by a lost session do not.
      if (now || source === 'clear') {
        reloginNeeded.value = false
        reloginInfo.value = null
      }
    }),
    auth.on('refreshing', ({ refreshing: now }) => { refreshing.value = now }),
    auth.on('relogin', (info) => {
      reloginInfo.value = Object.freeze({ ...info })
      reloginNeeded.value = true
    })
  ]

  return Object.freeze({
    client: auth,
    // auth.fetch works unbound; so do these.
    fetch: auth.fetch,
    loggedIn: readonly(loggedIn),
    refreshing: readonly(refreshing),
    reloginNeeded: readonly(reloginNeeded),
    reloginInfo: readonly(reloginInfo),
    setTokens: (tokens) => auth.setTokens(tokens),
    clearTokens: () => auth.clearTokens(),
    /** Close the "log in again" prompt without logging in (the user chose to stay). */
    dismissRelogin () {
      reloginNeeded.value = false
    },
    /** Stop following the client. The plugin does it when the app unmounts. */
    stop () {
      for (const stop of stops.splice(0)) stop()
    }
  })
}

/**
 * The Vue plugin: `app.use(authFetchPlugin, auth)`, with the client createAuthFetch()
 * resolved to. Components get the session with useAuthFetch(); templates see it as
 * `$authFetch`.
 */
export const authFetchPlugin = Object.freeze({
  install (app, auth) {
    if (!isClient(auth)) {
      throw new TypeError('authfetch/vue: app.use(authFetchPlugin, auth) takes the client createAuthFetch() resolved to; create it first (it loads the wasm), then install the plugin')
    }
    const session = createAuthFetchSession(auth)
    app.provide(authFetchKey, session)
    app.config.globalProperties.$authFetch = session
    if (typeof app.onUnmount === 'function') app.onUnmount(session.stop) // Vue 3.5+
  }
})

/**
 * The session provided by authFetchPlugin: `{ fetch, loggedIn, refreshing, reloginNeeded,
 * reloginInfo, setTokens, clearTokens, dismissRelogin, client }`, the state as read-only
 * refs. Call it in setup().
 */
export function useAuthFetch () {
  const session = inject(authFetchKey, null)
  if (session === null || session === undefined) {
    throw new Error('authfetch/vue: useAuthFetch() found no client: install it with app.use(authFetchPlugin, auth) before mount(), and call useAuthFetch() inside setup()')
  }
  return session
}
