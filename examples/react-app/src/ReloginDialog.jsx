// Shown from the session's state (reloginNeeded), not from a callback: it opens once per
// lost session, however many requests failed, and closes when new tokens are stored (here
// or in another tab), on clearTokens, or on dismissRelogin.
import { useAuthFetch } from 'authfetch/react'
import LoginForm from './LoginForm.jsx'

export default function ReloginDialog () {
  const { reloginNeeded, reloginInfo, dismissRelogin, clearTokens } = useAuthFetch()
  if (!reloginNeeded) return null
  return (
    <div id="relogin-dialog" className="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="relogin-title" className="dialog">
        <h2 id="relogin-title">Your session has ended</h2>
        <p id="relogin-reason">Log in again to carry on. ({reloginInfo?.reason})</p>
        <LoginForm />
        <button id="stay" type="button" onClick={dismissRelogin}>Stay on this page</button>
        <button id="sign-out" type="button" onClick={clearTokens}>Log out</button>
      </div>
    </div>
  )
}
