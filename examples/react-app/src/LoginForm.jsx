import { useState } from 'react'
import { useAuthFetch } from 'authfetch/react'
import { postJSON } from './api.js'

export default function LoginForm () {
  const { fetch, setTokens } = useAuthFetch()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function logIn (event) {
    event.preventDefault()
    setBusy(true)
    setError('')
    try {
      // The login call itself carries no token and must not trigger a refresh: skipAuth.
      const data = await postJSON(fetch, '/login', { username, password }, { skipAuth: true })
      setTokens({ accessToken: data.token, refreshToken: data.refreshToken })
    } catch (e) {
      setError(e.message)
    } finally {
      setPassword('') // typed anew for each attempt
      setBusy(false)
    }
  }

  return (
    <form id="login-form" onSubmit={logIn}>
      <label>User <input id="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" /></label>
      <label>Password <input id="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" /></label>
      <button id="login" type="submit" disabled={busy}>Log in</button>
      {error && <p id="login-error" className="error">{error}</p>}
    </form>
  )
}
