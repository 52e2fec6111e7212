import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // authfetch is a link to ../../js (package.json: "file:../../js"), outside this
    // folder: its `import ... from 'vue'` must find this app's copy of vue, not none.
    // (An install from the registry or from `npm pack` needs no such line.)
    dedupe: ['vue']
  },
  server: {
    // `npm run dev`: the linked package may be served, and /api goes to the reference
    // backend of `make demo` (go run ./server/cmd/authfetch-server, port 8080). Not the
    // string shorthand, which sets changeOrigin: the backend's admin routes accept the
    // page's POSTs only when it sees the page's own Host (README, "Testing your app's
    // session handling").
    fs: { allow: ['.', fileURLToPath(new URL('../../js', import.meta.url))] },
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } }
  }
})
