import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  plugins: [react()],
  resolve: {
    // authfetch is a link to ../../js (package.json: "file:../../js"), outside this
    // folder: its `import ... from 'react'` must find this app's copy of react, not none.
    // (An install from the registry or from `npm pack` needs no such line.)
    dedupe: ['react', 'react-dom']
  },
  server: {
    // `npm run dev`: the linked package may be served, and /api goes to the reference
    // backend (go run ./server/cmd/authfetch-server, port 8080 unless AUTHFETCH_API says).
    // changeOrigin: false keeps the page's Host header (the string shorthand would set it
    // to true), so the backend sees the page's own origin and its admin routes accept the
    // page's POSTs (README, "Testing your app's session handling"). `vite preview` uses
    // the same proxy.
    fs: { allow: ['.', fileURLToPath(new URL('../../js', import.meta.url))] },
    proxy: { '/api': { target: process.env.AUTHFETCH_API ?? 'http://127.0.0.1:8080', changeOrigin: false } }
  }
})
