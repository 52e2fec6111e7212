// The page side of the benchmark. go run ./bench drives it through window.bench: it loads one
// alternative (alt-<name>.js), gives it a token pair, fires requests and reads counters. Every
// alternative exposes the same two calls, login(access, refresh) and get(), where get() makes
// one GET /api/user/info and resolves with the code of the body that reaches the caller.

const hooks = {
  instantiateStart: 0, // performance.now() around WebAssembly.instantiateStreaming
  instantiateEnd: 0,
  instance: null, // the authfetch module's WebAssembly.Instance
  go: null // the Go object of wasm_exec.js
}

// authfetch's loader exposes neither the wasm instance nor the Go object, so the bench catches
// them on the way: it times and keeps what instantiateStreaming returns, and wraps the Go class
// that wasm_exec.js defines so the instance made by the loader is kept. Both cost nothing
// measurable and change nothing for the loader.
const instantiateStreaming = WebAssembly.instantiateStreaming
WebAssembly.instantiateStreaming = async function (source, imports) {
  const t0 = performance.now()
  const result = await instantiateStreaming.call(WebAssembly, source, imports)
  hooks.instantiateStart = t0
  hooks.instantiateEnd = performance.now()
  hooks.instance = result.instance
  return result
}
// With ?count in the page's URL the Go object also counts its crossings (see
// bench.crossings): calls into Go (_resume: a js.Func called, a Promise callback) and the
// syscall/js imports Go calls, of which valueCall, valueInvoke and valueNew are calls of
// JavaScript functions. Without it nothing is wrapped.
const counts = { entries: 0, calls: 0, imports: 0 }
const counting = new URLSearchParams(location.search).has('count')
let GoClass
Object.defineProperty(globalThis, 'Go', {
  configurable: true,
  get: () => GoClass,
  set (C) {
    GoClass = class extends C {
      constructor (...args) {
        super(...args)
        hooks.go = this
        if (!counting) return
        const gojs = this.importObject.gojs
        for (const name of Object.keys(gojs)) {
          if (!name.startsWith('syscall/js.')) continue
          const f = gojs[name]
          const call = /\.(valueCall|valueInvoke|valueNew)$/.test(name)
          gojs[name] = (sp) => { counts.imports++; if (call) counts.calls++; return f(sp) }
        }
        const resume = this._resume
        this._resume = function () { counts.entries++; return resume.call(this) }
      }
    }
  }
})

// The relogin dialog of every alternative is this counter (the seed's MessageBox.confirm,
// axios-auth-refresh's refresh logic on 10007, authfetch's onRelogin).
window.reloginPrompts = 0
// The seed's Element-UI Message toast for other business errors.
window.businessErrors = 0

let client = null
let firstError = null

// one makes one request; it succeeds when the body the caller gets says code 0. The first
// failure of each batch is kept for the report.
async function one () {
  try {
    const code = await client.get()
    if (code === 0) return true
    firstError ??= `the caller got a body with code ${code}`
  } catch (e) {
    firstError ??= String((e && (e.stack || e.message)) || e)
  }
  return false
}

const sleepUntil = (epochMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())))

window.bench = {
  // init loads alternative alt and makes its client: the start-up time is from the import of
  // its module (which imports its loader or library) to the client being ready. Given a
  // token pair, it logs in with it and makes one request; given 'stored' (a user who logged
  // in on an earlier visit: the page before stored the pair), it makes one request with
  // what is stored. firstMs is from the import to that first authenticated response's body.
  // With clear, localStorage is emptied first: a first visit ever.
  async init (alt, options = {}, pair = null, clear = false) {
    if (clear) localStorage.clear()
    const t0 = performance.now()
    const mod = await import(`/bench/alt-${alt}.js`)
    client = await mod.create(options)
    const t1 = performance.now()
    const r = { totalMs: t1 - t0, instantiateMs: 0, goStartMs: 0 }
    if (pair) {
      if (pair !== 'stored') client.login(pair[0], pair[1])
      const code = await client.get()
      r.firstMs = performance.now() - t0
      if (code !== 0) throw new Error(`the first request answered code ${code}`)
    }
    if (hooks.instance) {
      r.instantiateMs = hooks.instantiateEnd - hooks.instantiateStart
      r.goStartMs = t1 - hooks.instantiateEnd // go.run until createAuthFetch resolved
      r.beforeInstantiateMs = hooks.instantiateStart - t0 // loader and wasm_exec.js imports, wasm response headers
    }
    return r
  },

  // compileOnly is WebAssembly.compileStreaming of url, alone, in a fresh page.
  async compileOnly (url) {
    const t0 = performance.now()
    await WebAssembly.compileStreaming(fetch(url))
    return performance.now() - t0
  },

  login (access, refresh) {
    client.login(access, refresh)
    return true
  },

  // seq makes n requests one after the other.
  async seq (n) {
    firstError = null
    let ok = 0
    const t0 = performance.now()
    for (let i = 0; i < n; i++) if (await one()) ok++
    return { ms: performance.now() - t0, ok, failed: n - ok, firstError }
  },

  // crossings makes n sequential requests and returns the crossings counted per request
  // (the page must have been opened with ?count).
  async crossings (n) {
    if (!counting) throw new Error('open the page with ?count to count crossings')
    counts.entries = counts.calls = counts.imports = 0
    const r = await this.seq(n)
    if (r.failed > 0) throw new Error(`${r.failed} of ${n} requests failed: ${r.firstError}`)
    return { entries: counts.entries / n, calls: counts.calls / n, imports: counts.imports / n }
  },

  // seqBlob fetches a blob: URL n times, one after the other: the browser's own cost of a
  // fetch with no network at all, for scale.
  async seqBlob (n) {
    const url = URL.createObjectURL(new Blob(['{"code":0}'], { type: 'application/json' }))
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await (await fetch(url)).json()
    const ms = performance.now() - t0
    URL.revokeObjectURL(url)
    return { ms, ok: n, failed: 0, firstError: null }
  },

  // par makes n requests with at most width in flight.
  async par (n, width) {
    firstError = null
    let ok = 0
    let next = 0
    const worker = async () => {
      while (next < n) {
        next++
        if (await one()) ok++
      }
    }
    const t0 = performance.now()
    await Promise.all(Array.from({ length: Math.min(width, n) }, worker))
    return { ms: performance.now() - t0, ok, failed: n - ok, firstError }
  },

  // burst fires n requests at once (at epoch time startAt, if given, so several tabs start
  // together) and waits for all of them.
  async burst (n, startAt) {
    if (startAt) await sleepUntil(startAt)
    firstError = null
    const promptsBefore = window.reloginPrompts
    const start = performance.timeOrigin + performance.now()
    const t0 = performance.now()
    const results = await Promise.all(Array.from({ length: n }, one))
    const ms = performance.now() - t0
    const ok = results.filter(Boolean).length
    return {
      ms, ok, failed: n - ok, prompts: window.reloginPrompts - promptsBefore,
      start, end: performance.timeOrigin + performance.now(), firstError
    }
  },

  // memory reads the JS heap after a full collection (--js-flags=--expose-gc), and for
  // authfetch the wasm linear memory and the number of JS values the Go side holds.
  async memory () {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return {
      jsHeap: performance.memory ? performance.memory.usedJSHeapSize : -1,
      wasmMemory: hooks.instance ? hooks.instance.exports.mem.buffer.byteLength : -1,
      goValues: hooks.go && hooks.go._values ? hooks.go._values.length - hooks.go._idPool.length : -1
    }
  }
}
