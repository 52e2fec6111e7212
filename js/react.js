// authfetch/react: the client in a React 19 app. <AuthFetchProvider client={auth}> gives it
// to every component below, and useAuthFetch() gives a component the client's fetch and its
// session as state (loggedIn, refreshing, reloginNeeded, reloginInfo), so the app shows its
// login dialog from state. The same rules as authfetch/vue.
//
//   import { createAuthFetch } from 'authfetch'
//   import { AuthFetchProvider } from 'authfetch/react'
//   const auth = await createAuthFetch({ baseURL: '/api' })   // in the browser: loads the wasm once
//   createRoot(el).render(createElement(AuthFetchProvider, { client: auth }, createElement(App)))
//
// `react` is a peer dependency. Plain JavaScript, no JSX: it needs no build step of its own.

import { createContext, createElement, useContext, useMemo, useSyncExternalStore } from 'react'

const AuthFetchContext = createContext(null)

const isClient = (v) =>
  v !== null && typeof v === 'object' && typeof v.fetch === 'function' && typeof v.on === 'function' && typeof v.getTokens === 'function'

// The state a server render and hydration see: no page, so no tokens. React then renders
// again with the browser's state.
const SERVER_STATE = Object.freeze({ loggedIn: false, refreshing: false, reloginNeeded: false, reloginInfo: null })
const serverState = () => SERVER_STATE

// One session per client, however many providers, renders or roots use it: it follows the
// client's events from its creation on, so a relogin while no component is mounted is not
// lost. The client holds it through its listeners; it goes when the client goes.
const sessions = new WeakMap()

function sessionOf (auth) {
  let session = sessions.get(auth)
  if (session !== undefined) return session

  // The state is one frozen object, replaced on every change: the snapshot of
  // useSyncExternalStore, so every component of one render sees the same state (no tearing).
  let state = Object.freeze({ loggedIn: auth.getTokens() !== null, refreshing: false, reloginNeeded: false, reloginInfo: null })
  const subscribers = new Set()
  const update = (change) => {
    if (Object.keys(change).every((k) => Object.is(change[k], state[k]))) return
    state = Object.freeze({ ...state, ...change })
    for (const notify of subscribers) notify()
  }

  // The same rules as authfetch/vue (createAuthFetchSession).
  auth.on('tokens', ({ loggedIn, source }) => {
    // New tokens (a login here or in another tab) or a deliberate logout end the
    // "log in again" state; the tokens cleared by a lost session do not.
    update(loggedIn || source === 'clear' ? { loggedIn, reloginNeeded: false, reloginInfo: null } : { loggedIn })
  })
  auth.on('refreshing', ({ refreshing }) => update({ refreshing }))
  auth.on('relogin', (info) => update({ reloginNeeded: true, reloginInfo: Object.freeze({ ...info }) }))

  session = Object.freeze({
    subscribe (notify) {
      subscribers.add(notify)
      return () => subscribers.delete(notify)
    },
    getSnapshot: () => state,
    calls: Object.freeze({
      client: auth,
      // auth.fetch works unbound; so do these.
      fetch: auth.fetch,
      setTokens: (tokens) => auth.setTokens(tokens),
      clearTokens: () => auth.clearTokens(),
      // Close the "log in again" prompt without logging in (the user chose to stay).
      dismissRelogin: () => update({ reloginNeeded: false })
    })
  })
  sessions.set(auth, session)
  return session
}

/**
 * Gives the client createAuthFetch() resolved to to every component below:
 * `<AuthFetchProvider client={auth}>`. Components read it with useAuthFetch().
 */
export function AuthFetchProvider ({ client, children }) {
  if (!isClient(client)) {
    throw new TypeError('authfetch/react: <AuthFetchProvider client={auth}> takes the client that createAuthFetch() resolved to; create it first, in the browser (it loads the wasm), then render the provider')
  }
  return createElement(AuthFetchContext.Provider, { value: sessionOf(client) }, children)
}

/**
 * The session of the provider's client: `{ fetch, loggedIn, refreshing, reloginNeeded,
 * reloginInfo, setTokens, clearTokens, dismissRelogin, client }`. The component renders
 * again when the state changes, here or in another tab.
 */
export function useAuthFetch () {
  const session = useContext(AuthFetchContext)
  if (session === null) {
    throw new Error('authfetch/react: useAuthFetch() found no client: render the component inside <AuthFetchProvider client={auth}>')
  }
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, serverState)
  return useMemo(() => Object.freeze({ ...session.calls, ...state }), [session, state])
}
