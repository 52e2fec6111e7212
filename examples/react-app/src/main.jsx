import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createAuthFetch, isAuthFetchError } from 'authfetch'
import { AuthFetchProvider } from 'authfetch/react'
// Vite copies the wasm into dist/assets under a hashed name and gives its URL.
import wasmURL from 'authfetch/authfetch.wasm?url'
import App from './App.jsx'

// The client first (it loads the wasm, once, in the browser), then the app that uses it.
const auth = await createAuthFetch({ baseURL: '/api', wasmURL })

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // authfetch already refreshed and replayed: a SessionExpiredError (log in again) or
      // a RefreshFailedError is the answer, not something to retry. Retry the rest, a little.
      retry: (failures, error) => !isAuthFetchError(error) && failures < 2
    }
  }
})

createRoot(document.getElementById('app')).render(
  <StrictMode>
    <AuthFetchProvider client={auth}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </AuthFetchProvider>
  </StrictMode>
)
