// auth.fetch handed to axios, ky and ofetch, type-checked against their own declarations
// (the versions pinned in package-lock.json), as the README shows it.
import axios, { type AxiosInstance } from 'axios'
import ky from 'ky'
import { createFetch } from 'ofetch'
import { createAuthFetch, isSessionExpiredError } from 'authfetch'

export async function clients (): Promise<void> {
  const auth = await createAuthFetch({ baseURL: '/api' })

  // axios ≥ 1.12: its fetch adapter, with authfetch's fetch.
  const service: AxiosInstance = axios.create({
    baseURL: '/api',
    adapter: 'fetch',
    env: { fetch: auth.fetch }
  })
  // An instance made elsewhere.
  const existing = axios.create({ baseURL: '/api' })
  existing.defaults.adapter = 'fetch'
  existing.defaults.env = { ...existing.defaults.env, fetch: auth.fetch }
  // A login call through axios: fetchOptions reach auth.fetch's init.
  await service.post('/login', { username: 'demo', password: 'demo' }, { fetchOptions: { skipAuth: true } })
  service.interceptors.response.use((r) => r.data, (e: unknown) => {
    if (isSessionExpiredError(e)) console.log('log in again')
    return Promise.reject(e)
  })

  // ky: prefix joins the path; ky hands fetch a Request with an absolute URL.
  const api = ky.create({ prefix: '/api', fetch: auth.fetch })
  console.log(await api.get('user/info').json())

  // ofetch: it hands fetch a string, which authfetch joins to its own baseURL.
  const $api = createFetch({ fetch: auth.fetch })
  console.log(await $api('/user/info'))
}
