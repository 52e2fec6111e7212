import { createApp } from 'vue'
import { createAuthFetch } from 'authfetch'
import { authFetchPlugin } from 'authfetch/vue'
// Vite copies the wasm into dist/assets under a hashed name and gives its URL.
import wasmURL from 'authfetch/authfetch.wasm?url'
import App from './App.vue'

// The client first (it loads the wasm, once), then the app that uses it.
const auth = await createAuthFetch({ baseURL: '/api', wasmURL })
createApp(App).use(authFetchPlugin, auth).mount('#app')
