// The app's JSON calls over authfetch's fetch. The backend answers
// {"code": 0, "data": ...}; any other code is an error the app shows.
export async function getJSON (fetch, path, init) {
  const res = await fetch(path, init)
  const body = await res.json()
  if (body.code !== 0) throw Object.assign(new Error(body.message), { code: body.code })
  return body.data
}

export function postJSON (fetch, path, data, init = {}) {
  return getJSON(fetch, path, {
    ...init,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(data)
  })
}
