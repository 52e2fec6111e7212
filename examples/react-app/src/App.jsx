import { useEffect, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { useAuthFetch } from 'authfetch/react'
import { getJSON } from './api.js'
import { useRecords } from './records.js'
import LoginForm from './LoginForm.jsx'
import ReloginDialog from './ReloginDialog.jsx'

export default function App () {
  const { fetch, loggedIn, refreshing, reloginNeeded, clearTokens } = useAuthFetch()

  // The queryFn calls auth.fetch: an expired token is refreshed and the request replayed
  // before TanStack Query sees the reply.
  const user = useQuery({
    queryKey: ['user'],
    queryFn: () => getJSON(fetch, '/user/info'),
    enabled: loggedIn,
    staleTime: 60_000
  })

  // Twenty requests at once, as a busy page makes them: if the token expired, authfetch
  // refreshes once and replays them all. Each click loads a new round.
  const [round, setRound] = useState(0)
  const result = useRecords(fetch, round, 20)

  // How often the relogin dialog opened: once per lost session, however many requests failed.
  const [dialogOpened, setDialogOpened] = useState(0)
  useEffect(() => { if (reloginNeeded) setDialogOpened((n) => n + 1) }, [reloginNeeded])

  return (
    <main>
      <h1>authfetch + React 19</h1>
      <p id="status">
        <span id="logged-in">{loggedIn ? 'logged in' : 'logged out'}</span>
        {refreshing && <span id="refreshing" role="status"> · <span className="spinner" aria-hidden="true" /> refreshing the token…</span>}
      </p>

      {!loggedIn && !reloginNeeded && <LoginForm />}
      {loggedIn && (
        <section>
          <p>Hello, <b id="user-name">{user.data?.name}</b></p>
          <button id="load" type="button" onClick={() => setRound((r) => r + 1)}>Load 20 records</button>
          <button id="logout" type="button" onClick={clearTokens}>Log out</button>
        </section>
      )}
      <p id="result">{result}</p>
      <p id="dialog-opened" hidden>{dialogOpened}</p>

      <ReloginDialog />
      <style>{`
        .spinner { display: inline-block; width: .8em; height: .8em; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: spin .8s linear infinite; }
        @keyframes spin { to { transform: rotate(360deg) } }
        .backdrop { position: fixed; inset: 0; background: rgb(0 0 0 / 40%); display: grid; place-items: center; }
        .dialog { background: white; padding: 1.5rem; border-radius: 8px; max-width: 28rem; }
      `}</style>
    </main>
  )
}
