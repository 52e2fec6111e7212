// An end-to-end test of an app's session handling, as you would write one for your own app:
// the React example (examples/react-app) runs on Vite's dev server, its /api proxied to the
// reference backend (authfetch-server); Playwright drives it in headless Chromium, and the
// backend's admin API expires and revokes tokens and fails refreshes on demand. Nothing
// waits for a token to run out by itself, so nothing here depends on time.
//
//   npm ci && npm test        (make test runs it; needs Go, or AUTHFETCH_SERVER, and Chromium)
//
// AUTHFETCH_SERVER: a built authfetch-server binary (default: `go build` it into a temp dir).
// CHROMIUM: the browser (default /usr/bin/chromium; Playwright's own download is not needed).

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const reactApp = fileURLToPath(new URL('../react-app', import.meta.url))

let backend, devServer, browser, appURL, tmp
const children = []

// ---------------------------------------------------------------------------------------
// The backend, the dev server and the browser, once for the file.

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'authfetch-e2e-'))
  let serverBin = process.env.AUTHFETCH_SERVER
  if (!serverBin) {
    serverBin = join(tmp, 'authfetch-server')
    execFileSync('go', ['build', '-o', serverBin, './server/cmd/authfetch-server'], { cwd: repo, stdio: 'inherit' })
  }
  // A free port, and access tokens that outlive the test: only the admin API expires them.
  // The root is only for the demo page the backend also serves; the app comes from Vite.
  backend = await start(serverBin, ['-addr', '127.0.0.1:0', '-access-ttl', '1h', '-root', repo], {},
    /authfetch demo: (http:\/\/\S+)\//)

  // `npm run dev` of the example, with its proxy pointed at this backend
  // (vite.config.js: proxy: { '/api': process.env.AUTHFETCH_API ?? ... }).
  const port = await freePort()
  devServer = await start(process.execPath,
    [join(reactApp, 'node_modules', 'vite', 'bin', 'vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: reactApp, env: { ...process.env, AUTHFETCH_API: backend.url, NO_COLOR: '1' } },
    /(http:\/\/127\.0\.0\.1:\d+)\//)
  appURL = devServer.url + '/'

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
})

after(async () => {
  await browser?.close()
  for (const child of children) child.kill()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

// start runs a server and resolves once its output shows the URL (the first group of ready).
function start (command, args, options, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    const onData = (chunk) => {
      output += chunk
      const m = output.match(ready)
      if (m) resolve({ child, url: m[1] })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`)))
  })
}

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

// ---------------------------------------------------------------------------------------
// The admin API, through the dev server's proxy as the page sees it. A POST needs the
// header X-Authfetch-Admin: 1 (and, from a browser, a same-origin Origin).

async function admin (action) {
  const res = await fetch(new URL(`api/admin/${action}`, appURL), { method: 'POST', headers: { 'X-Authfetch-Admin': '1' } })
  const body = await res.json()
  assert.equal(body.code, 0, `POST /api/admin/${action}: ${JSON.stringify(body)}`)
}

// The same from the page under test (fetch in the browser, on the app's origin): the proxy
// keeps the Host header, so the backend sees a same-origin request.
async function adminFromPage (page, action) {
  const body = await page.evaluate(async (url) => {
    const res = await fetch(url, { method: 'POST', headers: { 'X-Authfetch-Admin': '1' } })
    return res.json()
  }, `/api/admin/${action}`)
  assert.equal(body.code, 0, `POST /api/admin/${action} from the page: ${JSON.stringify(body)}`)
}

async function stats () {
  const res = await fetch(new URL('api/admin/stats', appURL))
  return (await res.json()).data
}

// ---------------------------------------------------------------------------------------
// The app, as a user drives it.

// openApp opens the app in a fresh browser context (its own localStorage) and logs in.
async function openApp (t) {
  const context = await browser.newContext()
  t.after(() => context.close())
  // Waits end when the page gets there; this only bounds a hang (a busy machine, a dev
  // server compiling on first load).
  context.setDefaultTimeout(120_000)
  const page = await context.newPage()
  await page.goto(appURL)
  await logIn(page, page.locator('#login-form'))
  return page
}

async function logIn (page, form) {
  await form.locator('#username').fill('demo')
  await form.locator('#password').fill('demo')
  await form.locator('#login').click()
  await page.locator('#user-name', { hasText: /^demo$/ }).waitFor()
}

// loadRecords clicks "Load 20 records" and waits for the outcome the page shows.
async function loadRecords (page, outcome) {
  await page.locator('#load').click()
  await page.locator('#result', { hasText: new RegExp(`^${outcome}$`) }).waitFor()
}

// ---------------------------------------------------------------------------------------
// The tests.

test('the access token expires during use: one refresh, the spinner while it runs, every query loads', async (t) => {
  const page = await openApp(t)
  await admin('reset') // counters, injected failures
  await admin('expire-access')

  // Hold the refresh call in the browser until the test has seen the spinner: a refresh as
  // slow as the test wants.
  let held
  const refreshArrived = new Promise((resolve) => {
    page.route('**/api/refreshJwt/**', (route) => { held = route; resolve() })
  })
  await page.locator('#load').click()
  await refreshArrived
  await page.locator('#refreshing .spinner').waitFor()
  await held.continue()

  await page.locator('#result', { hasText: /^20 loaded, 0 session expired, 0 failed$/ }).waitFor()
  await page.locator('#refreshing').waitFor({ state: 'detached' })
  const s = await stats()
  assert.equal(s.refreshCalls, 1, `refresh calls: ${JSON.stringify(s)}`)
  assert.equal(s.requests, 20, `requests answered: ${JSON.stringify(s)}`)
  assert.ok(s.expiredAnswers >= 1, `the expiry was not exercised: ${JSON.stringify(s)}`)
  assert.equal(await page.locator('#relogin-dialog').count(), 0, 'the relogin dialog opened after a successful refresh')
})

test('the session is lost: the relogin dialog opens once, and logging in from it carries on', async (t) => {
  const page = await openApp(t)
  await admin('reset')
  await adminFromPage(page, 'revoke-refresh')
  await adminFromPage(page, 'expire-access')

  await loadRecords(page, '0 loaded, 20 session expired, 0 failed')
  const dialog = page.locator('#relogin-dialog [role=dialog]')
  await dialog.waitFor()
  assert.equal(await page.locator('#dialog-opened').textContent(), '1', 'the dialog opened more than once for one lost session')
  assert.match(await page.locator('#relogin-reason').textContent(), /10007/)
  assert.equal(await page.locator('#logged-in').textContent(), 'logged out')
  const s = await stats()
  assert.equal(s.refreshCalls, 1, `refresh calls: ${JSON.stringify(s)}`)
  assert.equal(s.reloginAnswers, 1, `relogin answers: ${JSON.stringify(s)}`)

  await logIn(page, dialog)
  await page.locator('#relogin-dialog').waitFor({ state: 'detached' })
  await loadRecords(page, '20 loaded, 0 session expired, 0 failed')
})

test('the refresh fails (HTTP 500): the queries fail, the session stays, the next load works', async (t) => {
  const page = await openApp(t)
  await admin('reset')
  await admin('expire-access')
  await admin('fail-refresh?mode=500&count=100') // every refresh, until cancelled

  await loadRecords(page, '0 loaded, 0 session expired, 20 failed')
  assert.equal(await page.locator('#logged-in').textContent(), 'logged in', 'a failed refresh kept the tokens')
  assert.equal(await page.locator('#relogin-dialog').count(), 0, 'a failed refresh is not a lost session')

  await admin('fail-refresh?mode=500&count=0') // cancel
  await loadRecords(page, '20 loaded, 0 session expired, 0 failed')
})
