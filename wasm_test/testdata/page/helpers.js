
if (!window.H) {
  const sent = new Set();
  const nativeFetch = window.fetch;
  window.fetch = function (input) {
    try { sent.add(input instanceof Request ? input.url : String(input)) } catch {}
    return nativeFetch.apply(globalThis, arguments); // fetch() and fetch(undefined) differ
  };
  const errInfo = (e) => {
    const o = { type: typeof e };
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        o.name = String(e.name); o.message = String(e.message);
        o.code = e.code === undefined ? undefined : String(e.code);
        o.status = typeof e.status === 'number' ? e.status : undefined;
        o.bodyCode = typeof e.bodyCode === 'number' ? e.bodyCode : undefined;
        o.isError = e instanceof Error;
      } else { o.message = String(e) }
    } catch (x) { o.message = 'unreadable error: ' + x }
    return o;
  };
  window.H = {
    errInfo,
    // sent(marker): how many distinct URLs containing marker were passed to fetch.
    sent: (marker) => { let n = 0; for (const u of sent) if (u.includes(marker)) n++; return n },
    // The thrown value itself stays on the outcome as 'raw', not enumerable, so it is
    // there for instanceof checks in the page and not in the JSON sent to Go.
    settle: (p) => Promise.resolve(p).then(value => ({ ok: true, value }), error => {
      const o = { ok: false, error: errInfo(error) };
      Object.defineProperty(o, 'raw', { value: error, enumerable: false });
      return o;
    }),
    reply: async (r) => {
      const text = await r.text();
      let body;
      try { body = JSON.parse(text) } catch { body = { unparsable: text.slice(0, 200) } }
      return { status: r.status, body };
    },
    classes: (outcomes, name) => {
      const r = { rejected: 0, instanceOf: 0, base: 0, guard: 0 };
      for (const o of outcomes) {
        if (o.ok) continue;
        r.rejected++;
        if (o.raw instanceof M[name]) r.instanceOf++;
        if (o.raw instanceof M.AuthFetchError) r.base++;
        if (M['is' + name](o.raw)) r.guard++;
      }
      return r;
    },
    sha256: async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map(b => b.toString(16).padStart(2, '0')).join(''),
  };
}
