
await import('/js/wasm_exec.js');
window.X = { entries: 0, calls: 0, imports: 0 };
const Plain = globalThis.Go;
globalThis.Go = class extends Plain {
  constructor () {
    super();
    const gojs = this.importObject.gojs;
    for (const name of Object.keys(gojs)) {
      if (!name.startsWith('syscall/js.')) continue;
      const f = gojs[name];
      const call = /\.(valueCall|valueInvoke|valueNew)$/.test(name);
      gojs[name] = (sp) => { X.imports++; if (call) X.calls++; return f(sp) };
    }
  }
  _resume () { X.entries++; return super._resume() }
};
