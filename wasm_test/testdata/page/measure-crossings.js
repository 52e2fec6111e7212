
for (let i = 0; i < 20; i++) await (await auth.fetch('/user/info')).json();
const before = X.entries + X.calls; // the start, the login and the warm-up: proof that counting works
X.entries = X.calls = X.imports = 0;
const n = 200;
let ok = 0;
for (let i = 0; i < n; i++) if ((await (await auth.fetch('/user/info')).json()).code === 0) ok++;
return { entries: X.entries / n, calls: X.calls / n, imports: X.imports / n, ok, before };