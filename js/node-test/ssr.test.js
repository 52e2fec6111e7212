// authfetch under Node, as server-side rendering (Nuxt, Next, Vite SSR) meets it: the
// modules import without touching a browser global, createAuthFetch says to create the
// client in the browser, and the bindings render on the server.
//
// Run with `node --preserve-symlinks --test` (make test): node_modules/authfetch is a link
// to .., and the bindings must find this folder's vue and react, as an installed copy would.

import { test } from 'node:test'
import assert from 'node:assert/strict'

// What the modules must not touch when imported, nor createAuthFetch before it knows it is
// not in a browser. Node has some of them (fetch, WebAssembly); the others are browsers'.
const BROWSER_GLOBALS = ['window', 'self', 'document', 'location', 'navigator', 'localStorage',
  'sessionStorage', 'indexedDB', 'WebAssembly', 'fetch', 'Go', 'addEventListener']

// watchGlobals replaces those globals with getters that record each read, runs fn, and
// puts them back. It returns the names fn's code read.
async function watchGlobals (fn) {
  const touched = []
  const saved = BROWSER_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)])
  for (const [name, desc] of saved) {
    const value = desc && ('value' in desc ? desc.value : desc.get?.call(globalThis))
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get () { touched.push(name); return value },
      set (v) { touched.push(name + ' (set)') }
    })
  }
  try {
    await fn()
  } finally {
    for (const [name, desc] of saved) {
      if (desc) Object.defineProperty(globalThis, name, desc)
      else delete globalThis[name]
    }
  }
  return touched
}

test('importing authfetch, authfetch/vue and authfetch/react touches no browser global', async () => {
  // vue and react first: how they probe their environment is their own business (and
  // guarded); only authfetch's own module code runs while the globals are watched.
  await import('vue')
  await import('react')
  const modules = {}
  const touched = await watchGlobals(async () => {
    for (const name of ['authfetch', 'authfetch/vue', 'authfetch/react']) modules[name] = await import(name)
  })
  assert.deepEqual(touched, [], `importing authfetch's modules read ${touched.join(', ')}`)
  assert.equal(typeof modules.authfetch.createAuthFetch, 'function')
  assert.equal(typeof modules['authfetch/vue'].authFetchPlugin.install, 'function')
  assert.equal(typeof modules['authfetch/react'].AuthFetchProvider, 'function')
  assert.equal(typeof modules['authfetch/react'].useAuthFetch, 'function')
})

test('createAuthFetch on the server rejects: create the client in the browser', async () => {
  const { createAuthFetch, AuthFetchError, isAuthFetchError } = await import('authfetch')
  for (const options of [undefined, { baseURL: '/api' }, { baseURL: 'http://127.0.0.1:9/api' }, { wasmURL: 'http://127.0.0.1:9/authfetch.wasm' }]) {
    let error
    const touched = await watchGlobals(async () => {
      try {
        await createAuthFetch(options)
      } catch (e) {
        error = e
      }
    })
    const what = `createAuthFetch(${JSON.stringify(options)})`
    assert.ok(error instanceof AuthFetchError && isAuthFetchError(error), `${what} rejected with ${error}, want an AuthFetchError`)
    assert.match(error.message, /create the client in the browser/, what)
    assert.equal(error.code, 'AUTHFETCH_ERROR', what)
    // It gives up before loading anything: no download of the wasm, no WebAssembly.
    for (const name of ['fetch', 'WebAssembly', 'localStorage', 'indexedDB', 'Go']) {
      assert.ok(!touched.includes(name), `${what} read ${name} (${touched.join(', ')})`)
    }
  }
  // A wrong option of the loader's own (callbacks, debug, wasmURL) is still a TypeError
  // naming it, on the server too; the engine's options are checked by the engine, in the
  // browser.
  await assert.rejects(createAuthFetch({ onRelogin: 42 }), (e) => e instanceof TypeError && /option onRelogin/.test(e.message))
})

// stubClient is what a client looks like to the bindings (fetch, on, getTokens). There is no
// real client on a server; this one says it holds tokens, which a server render must ignore.
function stubClient () {
  return {
    fetch: async () => new Response('{}'),
    on: () => () => {},
    getTokens: () => ({ accessToken: 'a', refreshToken: 'r' }),
    setTokens () {},
    clearTokens () {}
  }
}

test('authfetch/react renders on the server, as logged out', async () => {
  const { createElement } = await import('react')
  const { renderToString } = await import('react-dom/server')
  const { AuthFetchProvider, useAuthFetch } = await import('authfetch/react')
  function Status () {
    const { loggedIn, refreshing, reloginNeeded, reloginInfo, fetch } = useAuthFetch()
    return createElement('p', null, JSON.stringify({ loggedIn, refreshing, reloginNeeded, reloginInfo, fetch: typeof fetch }))
  }
  const html = renderToString(createElement(AuthFetchProvider, { client: stubClient() }, createElement(Status)))
  // The server snapshot: the server cannot see the browser's tokens, so hydration starts
  // logged out and React renders again with the browser's state.
  assert.equal(html, '<p>{&quot;loggedIn&quot;:false,&quot;refreshing&quot;:false,&quot;reloginNeeded&quot;:false,&quot;reloginInfo&quot;:null,&quot;fetch&quot;:&quot;function&quot;}</p>')

  assert.throws(() => renderToString(createElement(Status)), /useAuthFetch\(\) found no client: render the component inside <AuthFetchProvider/)
  assert.throws(() => renderToString(createElement(AuthFetchProvider, { client: { baseURL: '/api' } }, createElement(Status))),
    (e) => e instanceof TypeError && /takes the client that createAuthFetch\(\) resolved to/.test(e.message))
})

test('authfetch/vue renders on the server', async () => {
  const { createSSRApp, h } = await import('vue')
  const { renderToString } = await import('vue/server-renderer')
  const { authFetchPlugin, useAuthFetch } = await import('authfetch/vue')
  const app = createSSRApp({
    setup () {
      const { loggedIn, reloginNeeded } = useAuthFetch()
      return () => h('p', `${loggedIn.value} ${reloginNeeded.value}`)
    }
  })
  app.use(authFetchPlugin, stubClient())
  assert.equal(await renderToString(app), '<p>true false</p>')
})
