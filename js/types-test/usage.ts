// Typed use of authfetch.d.ts. Every option, member, event and error is spelled here, so a
// renamed or retyped one breaks `tsc --noEmit`; the @ts-expect-error lines prove that
// mistakes are still caught (tsc fails if one of them stops being an error).
import {
  AuthFetchError,
  RefreshFailedError,
  SessionExpiredError,
  createAuthFetch,
  isAuthFetchError,
  isRefreshFailedError,
  isSessionExpiredError,
  type AuthFetch,
  type AuthFetchEvent,
  type AuthFetchOptions,
  type RefreshInfo,
  type RefreshingChange,
  type ReloginInfo,
  type Tokens,
  type TokensChange
} from 'authfetch'
import wasmURL from 'authfetch/authfetch.wasm?url'

// Required<>: an option added to the .d.ts without being spelled here fails too.
const everyOption: Required<AuthFetchOptions> = {
  preset: 'seed',
  clientId: 'spa',
  scope: 'openid',
  baseURL: '/api',
  onRelogin: (info: ReloginInfo) => { console.log(info.reason, info.status, info.code) },
  onRefresh: (info: RefreshInfo) => { console.log(info.expiresAt) },
  onEvent: (event: AuthFetchEvent) => { console.log(event.type, event.label, event.time) },
  debug: false,
  headerName: 'X-Token',
  headerPrefix: '',
  expiredCodes: [50014],
  expiredStatuses: [401],
  reloginCodes: [10007],
  reloginStatuses: [401, 403],
  codePath: 'code',
  refreshURL: '{baseURL}/refreshJwt/{refreshToken}',
  refreshMethod: 'POST',
  refreshTokenIn: 'path',
  refreshTokenName: 'refreshToken',
  accessTokenPath: 'data.token',
  refreshTokenPath: 'data.refreshToken',
  expiresInPath: 'expires_in',
  refreshTimeout: 15000,
  refreshMargin: 30000,
  storageKey: 'authfetch',
  allowedOrigins: ['https://files.example.com'],
  tokenRedirects: 'follow',
  wasmURL
}

export async function main (): Promise<void> {
  const auth: AuthFetch = await createAuthFetch(everyOption)
  await createAuthFetch()
  await createAuthFetch({ wasmURL: new URL('/assets/authfetch.wasm', location.href) })

  // @ts-expect-error a misspelled option (baseUrl for baseURL)
  await createAuthFetch({ baseUrl: '/api' })
  // @ts-expect-error refreshTokenIn is 'path' | 'body' | 'header'
  await createAuthFetch({ refreshTokenIn: 'query' })
  // @ts-expect-error preset is 'seed' | 'oauth2' | 'sliding'
  await createAuthFetch({ preset: 'oidc' })
  // @ts-expect-error tokenRedirects is 'error' | 'follow'
  await createAuthFetch({ tokenRedirects: 'manual' })
  // @ts-expect-error expiredCodes are numbers
  await createAuthFetch({ expiredCodes: ['50014'] })

  auth.setTokens({ accessToken: 'a', refreshToken: 'r' })
  auth.setTokens({ accessToken: 'a' })
  auth.setTokens({ accessToken: 'a', refreshToken: null })
  auth.setTokens({ accessToken: 'opaque', refreshToken: 'r', expiresIn: 3600 })
  // @ts-expect-error the access token is required
  auth.setTokens({ refreshToken: 'r' })
  const pair: Tokens | null = auth.getTokens()
  if (pair) console.log(pair.accessToken.length, pair.refreshToken.length)

  const res: Response = await auth.fetch('/user/info')
  await auth.fetch(new URL('/api/user/info', location.href), { method: 'POST', body: '{}' })
  await auth.fetch(new Request('/api/login'), { skipAuth: true })
  console.log(res.status)

  // Unbound, as axios, ky and ofetch call it.
  const { fetch: authFetch } = auth
  const asFetch: typeof fetch = authFetch
  console.log(asFetch)

  await auth.refresh()
  const stops: Array<() => void> = [
    auth.on('refresh', (d: RefreshInfo) => console.log(d.expiresAt)),
    auth.on('relogin', (d: ReloginInfo) => console.log(d.reason)),
    auth.on('tokens', (d: TokensChange) => console.log(d.loggedIn, d.source)),
    auth.on('refreshing', (d: RefreshingChange) => console.log(d.refreshing)),
    auth.on('event', (d: AuthFetchEvent) => console.log(d.type))
  ]
  // @ts-expect-error no such event
  auth.on('refreshed', () => {})
  // @ts-expect-error the relogin detail is a ReloginInfo, not a RefreshInfo
  auth.on('relogin', (d: RefreshInfo) => console.log(d.expiresAt))
  for (const stop of stops) stop()
  auth.clearTokens()
  auth.close()

  try {
    await auth.fetch('/orders')
  } catch (e: unknown) {
    if (isSessionExpiredError(e)) {
      const s: SessionExpiredError = e
      const code: 'SESSION_EXPIRED' = s.code
      console.log(code, s.status, s.bodyCode)
    } else if (isRefreshFailedError(e)) {
      const f: RefreshFailedError = e
      const code: 'REFRESH_FAILED' = f.code
      console.log(code, f.cause)
    } else if (isAuthFetchError(e)) {
      const a: AuthFetchError = e
      console.log(a.code)
    }
    if (e instanceof SessionExpiredError || e instanceof RefreshFailedError) console.log(e.name)
  }
}
