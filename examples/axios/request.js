// The seed's src/utils/request.js (a Vue + axios app, see ../../README.md), moved onto
// authfetch. What changed:
//   - axios.create takes two more keys: adapter 'fetch' and env.fetch = auth.fetch
//     (axios 1.12 or later);
//   - the request interceptor no longer sets X-Token: auth.fetch adds the token, and the
//     new one when it replays a request;
//   - the 50014 branch of the response interceptor, refreshJwt.js and isLock are gone:
//     auth.fetch refreshes once, replays, and axios sees only the final reply.
// The rest (baseURL, timeout, headers, the interceptors that unwrap `data` and turn a
// non-zero code into an error, the error messages) is the app's and works as before.
//
// The app makes the client once and passes it in:
//   const auth = await createAuthFetch({ baseURL: '/api', onRelogin: () => showReloginDialog() })
//   export default createService(auth, { message: (msg) => Message({ message: msg, type: 'error' }) })
import axios from 'axios'
import { isSessionExpiredError } from 'authfetch'

export function createService (auth, { message = (msg) => console.error(msg) } = {}) {
  const service = axios.create({
    // axios joins baseURL and hands fetch a Request with an absolute URL, so authfetch's
    // baseURL is not joined again: keep axios's as it was. authfetch's baseURL names the
    // refresh endpoint ({baseURL}/refreshJwt/...) and the origin that gets the token.
    baseURL: '/api',
    timeout: 50000,
    headers: { 'Content-Type': 'application/json;charset=utf-8' },
    adapter: 'fetch',
    env: { fetch: auth.fetch }
  })

  // The app's own request settings stay here; no token handling.
  service.interceptors.request.use((config) => {
    config.headers['Accept-Language'] = navigator.language
    return config
  }, (error) => Promise.reject(error))

  // Unwraps `data`; a non-zero code is a business error. 50014 never arrives here.
  service.interceptors.response.use((response) => {
    const res = response.data
    if (Number(res.code) !== 0) {
      message(res.message)
      return Promise.reject(Object.assign(new Error(res.message), { code: res.code }))
    }
    return res
  }, (error) => {
    // The session is over: the onRelogin callback already shows the login dialog, once.
    // axios wraps what fetch rejected with, keeping its name and code, so the guard works
    // on axios's error too (the original is error.cause).
    if (isSessionExpiredError(error)) return Promise.reject(error)
    message('Network problem, please try again later: ' + error.message)
    return Promise.reject(error)
  })

  return service
}
