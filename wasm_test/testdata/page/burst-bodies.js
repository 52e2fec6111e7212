(() => {
  const te = new TextEncoder();
  window.expect = {};
  return (i, tag) => {
    const url = '/echo?' + tag;
    switch (i % 6) {
    case 0:
      window.expect[i] = { kind: 'get' };
      return auth.fetch('/user/info?' + tag);
    case 1: {
      const s = JSON.stringify({ i, text: 'héllo ✓ ' + i, list: [1, 2, 3] });
      window.expect[i] = { kind: 'json', method: 'POST', bytes: te.encode(s), type: 'application/json', query: tag };
      return auth.fetch(url, { method: 'POST', body: s, headers: { 'Content-Type': 'application/json' } });
    }
    case 2: {
      const fd = new FormData();
      const text = 'field ✓ ' + i, file = ('file ' + i + ' ✓\n').repeat(50), filename = 'f' + i + '.txt';
      fd.append('text', text);
      fd.append('file', new Blob([file], { type: 'text/plain' }), filename);
      window.expect[i] = { kind: 'form', method: 'POST', text, file, filename, query: tag };
      return auth.fetch(url, { method: 'POST', body: fd });
    }
    case 3: {
      const p = new URLSearchParams({ i: String(i), q: 'a&b=c ✓' });
      window.expect[i] = { kind: 'params', method: 'POST', bytes: te.encode(p.toString()), type: 'application/x-www-form-urlencoded', query: tag };
      return auth.fetch(url, { method: 'POST', body: p });
    }
    case 4: {
      const b = crypto.getRandomValues(new Uint8Array(1024));
      window.expect[i] = { kind: 'arraybuffer', method: 'POST', bytes: b.slice(), query: tag };
      return auth.fetch(url, { method: 'POST', body: b.buffer });
    }
    default: {
      // A view into the middle of a larger buffer: only the view's bytes are the body.
      const big = crypto.getRandomValues(new Uint8Array(2048));
      window.expect[i] = { kind: 'uint8array', method: 'PUT', bytes: big.slice(100, 1100), query: tag };
      return auth.fetch(url, { method: 'PUT', body: new Uint8Array(big.buffer, 100, 1000) });
    }
    }
  };
})()