
const out = await window.bursts.burst, te = new TextEncoder();
const problems = [], passed = {};
for (let i = 0; i < out.length; i++) {
  const r = out[i], x = window.expect[i] || { kind: 'hold' };
  let p = '';
  if (!r.ok) p = 'rejected: ' + r.error.name + ': ' + r.error.message;
  else if (r.value.body.code !== 0) p = 'HTTP ' + r.value.status + ' ' + JSON.stringify(r.value.body);
  else {
    const d = r.value.body.data || {};
    if (x.kind === 'hold') { if (d.gate !== 'burst' || d.user !== 'demo') p = 'hold data ' + JSON.stringify(d) }
    else if (x.kind === 'get') { if (d.name !== 'demo') p = 'user/info data ' + JSON.stringify(d) }
    else {
      if (d.method !== x.method) p += ' method ' + d.method;
      if (d.query !== x.query) p += ' query ' + JSON.stringify(d.query);
      if (x.bytes) {
        const sum = await H.sha256(x.bytes);
        if (d.bodyLength !== x.bytes.length || d.bodySha256 !== sum)
          p += ' body: ' + d.bodyLength + ' bytes sha256 ' + d.bodySha256 + ', want ' + x.bytes.length + ' bytes sha256 ' + sum;
      }
      if (x.type && !String(d.contentType).startsWith(x.type)) p += ' Content-Type ' + JSON.stringify(d.contentType);
      if (x.kind === 'form') {
        if (!String(d.contentType).startsWith('multipart/form-data; boundary=')) p += ' Content-Type ' + JSON.stringify(d.contentType);
        else if (te.encode(d.body).length !== d.bodyLength) p += ' multipart body is not text';
        else {
          // Parsing with the Content-Type that arrived proves the boundary matches the body.
          try {
            const f = await new Response(d.body, { headers: { 'Content-Type': d.contentType } }).formData();
            const file = f.get('file');
            if (f.get('text') !== x.text) p += ' text field ' + JSON.stringify(f.get('text'));
            if (!(file instanceof File) || file.name !== x.filename || await file.text() !== x.file) p += ' file field differs';
          } catch (e) { p += ' multipart body does not parse: ' + e }
        }
      }
    }
  }
  if (p) problems.push('#' + i + ' (' + x.kind + '):' + p);
  else passed[x.kind] = (passed[x.kind] || 0) + 1;
}
return { problems: problems.slice(0, 10), failed: problems.length, passed };