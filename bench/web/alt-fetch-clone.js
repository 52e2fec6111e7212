// A diagnostic floor (not in the default run; -alts fetch,fetch-clone,authfetch): plain fetch
// that also reads a clone of every JSON reply as text and parses its code, which is the
// least any wrapper must do to see a 200 + {"code": 50014} reply while leaving the caller an
// untouched Response. The gap between this and authfetch is the cost of the Go bridge.
export async function create () {
  return {
    login (access, refresh) {
      localStorage.setItem('token', access)
      localStorage.setItem('refreshToken', refresh)
    },
    async get () {
      const res = await fetch(new Request('/api/user/info', { headers: { 'X-Token': localStorage.getItem('token') } }))
      if ((res.headers.get('content-type') || '').includes('json')) {
        const code = JSON.parse(await res.clone().text()).code
        if (code === 50014) throw new Error('expired (this floor does not refresh)')
      }
      return (await res.json()).code
    }
  }
}
