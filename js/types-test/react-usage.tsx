// Typed use of react.d.ts (authfetch/react) with React 19's own types (@types/react).
import { createElement, useEffect, type ReactElement } from 'react'
import { createAuthFetch, isSessionExpiredError, type ReloginInfo } from 'authfetch'
import {
  AuthFetchProvider,
  useAuthFetch,
  type AuthFetchProviderProps,
  type AuthFetchSession,
  type AuthFetchState
} from 'authfetch/react'

function Profile (): ReactElement {
  const { fetch, loggedIn, refreshing, reloginNeeded, reloginInfo, setTokens, clearTokens, dismissRelogin, client } = useAuthFetch()
  const flags: boolean[] = [loggedIn, refreshing, reloginNeeded]
  const info: Readonly<ReloginInfo> | null = reloginInfo
  const why: string = reloginInfo?.reason ?? ''
  useEffect(() => { if (reloginNeeded) console.log('show the login dialog', why, info, flags) }, [reloginNeeded])
  const load = async (): Promise<unknown> => {
    try {
      return (await fetch('/user/info', { skipAuth: false })).json()
    } catch (e) {
      if (isSessionExpiredError(e)) return null
      throw e
    }
  }
  const session: AuthFetchSession = useAuthFetch()
  // @ts-expect-error the state is read-only
  session.loggedIn = true
  const state: AuthFetchState = session
  console.log(state.refreshing, client.getTokens())
  return (
    <section>
      {refreshing && <span>refreshing…</span>}
      <button onClick={() => { void load() }}>load</button>
      <button onClick={() => setTokens({ accessToken: 'a', refreshToken: 'r' })}>log in</button>
      <button onClick={clearTokens}>log out</button>
      <button onClick={dismissRelogin}>stay</button>
    </section>
  )
}

export async function start (): Promise<ReactElement> {
  const auth = await createAuthFetch({ baseURL: '/api' })
  const props: AuthFetchProviderProps = { client: auth }
  // @ts-expect-error the provider takes the client, not options
  const wrong = <AuthFetchProvider client={{ baseURL: '/api' }}><Profile /></AuthFetchProvider>
  console.log(wrong, props)
  // Without JSX too, as the module itself is written.
  createElement(AuthFetchProvider, { client: auth }, createElement(Profile))
  return (
    <AuthFetchProvider client={auth}>
      <Profile />
    </AuthFetchProvider>
  )
}
