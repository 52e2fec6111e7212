// axios with axios-auth-refresh (npm), configured as its README advises.
//
// The plugin only ever sees rejected responses, and by default refreshes on HTTP 401. This
// backend (docs/PROTOCOL.md, the seed's) says "expired" with HTTP 200 and body code 50014, so
// `statusCodes` cannot match it: no status means "expired". What works is the README's
// other knob, `shouldRefresh`, which looks at the error's response body — together with a
// response interceptor, registered BEFORE the plugin (axios runs response interceptors in
// the order they were added), that turns a 200 + 50014 reply into an AxiosError carrying
// that response. The tokens are read per request by a request interceptor, as the README's
// "Request interceptor" section recommends, so stalled and retried requests pick up the new
// token; the refresh logic is the README's example adapted to this backend (refresh token
// in the path, new pair in data.token / data.refreshToken, 10007 = log in again).
//
// deduplicateRefresh: false. The default (true) pauses the instance while a refresh runs and
// *rejects* every other "expired" reply that comes back during that time (the plugin puts
// the instance on its skip list), so a burst of concurrent requests at expiry mostly fails
// (measured with `go run ./bench -aar-dedupe`: 1 of 1,000 succeeded). With false, replies that
// arrive while the refresh runs share that one refresh call (the plugin keeps one
// refreshCall in flight) and are retried with the new token; the README's caveat (mark the
// refresh call skipAuthRefresh to avoid a loop) does not apply, as the refresh goes through
// the bare axios, not this instance. create({ dedupe: true }) gives the default.
import axios, { AxiosError } from 'axios'
import createAuthRefresh from 'axios-auth-refresh'

export async function create ({ dedupe = false } = {}) {
  const api = axios.create({ baseURL: '/api' })

  api.interceptors.request.use((request) => {
    request.headers['X-Token'] = localStorage.getItem('token')
    return request
  })

  // 200 + {code: 50014} is this backend's 401: make it an error the plugin can see.
  api.interceptors.response.use((response) => {
    if (response.data && response.data.code === 50014) {
      return Promise.reject(new AxiosError('access token expired', 'ERR_TOKEN_EXPIRED',
        response.config, response.request, response))
    }
    return response
  })

  const refreshAuthLogic = (failedRequest) =>
    axios.post('/api/refreshJwt/' + localStorage.getItem('refreshToken')).then((res) => {
      if (res.data.code !== 0) {
        if (res.data.code === 10007) window.reloginPrompts++ // log in again
        return Promise.reject(new Error('refresh failed: code ' + res.data.code))
      }
      localStorage.setItem('token', res.data.data.token)
      localStorage.setItem('refreshToken', res.data.data.refreshToken)
      failedRequest.response.config.headers['X-Token'] = res.data.data.token
      return Promise.resolve()
    })

  createAuthRefresh(api, refreshAuthLogic, {
    shouldRefresh: (error) => error?.response?.data?.code === 50014,
    deduplicateRefresh: dedupe
  })

  return {
    login (access, refresh) {
      localStorage.setItem('token', access)
      localStorage.setItem('refreshToken', refresh)
    },
    async get () {
      const res = await api.get('/user/info')
      return res.data.code
    }
  }
}
