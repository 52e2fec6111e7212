
window.axiosCall = (k, tag) => {
  const params = { b: tag };
  switch (k) {
  case 0: return service.get('/user/info', { params });
  case 1: return service.post('/echo', { hello: 'wörld ✓', list: [1, 2, 3] }, { params });
  case 2: return service.put('/echo', 'plain text ✓', { params, headers: { 'Content-Type': 'text/plain;charset=utf-8' } });
  case 3: return service.post('/echo', new URLSearchParams({ q: 'a&b=c ✓', k: '3' }), { params });
  case 4: return service.delete('/echo', { params });
  default: return service.patch('/echo', [{ op: 'replace', path: '/x', value: 5 }], { params });
  }
};
// What the app saw, with the tag taken out, so that two runs compare.
window.seenByApp = (o) => o.ok ? JSON.stringify(o.value).replace(/b=(base|burst)-\d+/g, 'b=TAG') : 'rejected: ' + o.error.name + ': ' + o.error.message;
