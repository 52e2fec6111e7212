// authfetch, with the zero-configuration protocol of the seed's backend. The loader's URL
// and the wasm URL are options so the benchmark can load an uncacheable copy (a cold first
// visit) or a cacheable one (a repeat visit).
export async function create ({ loader = '/js/authfetch.js', wasmURL } = {}) {
  const { createAuthFetch } = await import(loader)
  const auth = await createAuthFetch({
    baseURL: '/api',
    onRelogin: () => { window.reloginPrompts++ },
    ...(wasmURL ? { wasmURL } : {})
  })
  return {
    login (access, refresh) {
      auth.setTokens({ accessToken: access, refreshToken: refresh })
    },
    async get () {
      const res = await auth.fetch('/user/info')
      return (await res.json()).code
    }
  }
}
