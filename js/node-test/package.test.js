// The package as npm packs it (js/): its files, its exports, and the size of the JS a page
// loads. Needs `make build` first (authfetch.wasm and wasm_exec.js are build outputs).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants } from 'node:zlib'

const jsDir = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)))

// What the package holds, and nothing else (no test folder, no node_modules).
const PACKED = ['authfetch.d.ts', 'authfetch.js', 'authfetch.wasm', 'package.json', 'react.d.ts', 'react.js', 'vue.d.ts', 'vue.js', 'wasm_exec.js']

function built () {
  for (const f of ['authfetch.wasm', 'wasm_exec.js']) {
    assert.ok(existsSync(new URL(`../${f}`, import.meta.url)), `js/${f} is missing: run \`make build\` first (make test does)`)
  }
}

test('npm pack holds exactly the module files', () => {
  built()
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: jsDir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' }
  })
  const packs = JSON.parse(out)
  assert.equal(packs.length, 1)
  const files = packs[0].files.map((f) => f.path).sort()
  assert.deepEqual(files, PACKED)
  assert.equal(packs[0].name, 'authfetch')
})

test('exports: ".", "./vue", "./react" with types, and the wasm', () => {
  const { exports } = pkg
  for (const [entry, file] of [['.', 'authfetch'], ['./vue', 'vue'], ['./react', 'react']]) {
    assert.deepEqual(exports[entry], { types: `./${file}.d.ts`, default: `./${file}.js` }, `exports["${entry}"]`)
  }
  assert.equal(exports['./authfetch.wasm'], './authfetch.wasm')
  // Every target is a file the package holds.
  for (const [entry, target] of Object.entries(exports)) {
    for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(PACKED.includes(path.replace(/^\.\//, '')), `exports["${entry}"] points at ${path}, which npm does not pack`)
    }
  }
  assert.equal(pkg.type, 'module')
  assert.equal(pkg.types, './authfetch.d.ts')
})

test('sideEffects false; vue and react are optional peers', () => {
  assert.equal(pkg.sideEffects, false)
  assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), ['react', 'vue'])
  for (const peer of ['react', 'vue']) {
    assert.deepEqual(pkg.peerDependenciesMeta[peer], { optional: true }, `peerDependenciesMeta.${peer}`)
  }
  assert.equal(pkg.dependencies, undefined, 'the package has no dependencies')
})

// brotliSize is `brotli -q 11` of a file: quality 11 and the window the brotli command picks
// for that size.
function brotliSize (file) {
  const b = readFileSync(new URL(`../${file}`, import.meta.url))
  let lgwin = 10
  while (lgwin < 24 && (1 << lgwin) - 16 < b.length) lgwin++
  return brotliCompressSync(b, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
      [constants.BROTLI_PARAM_SIZE_HINT]: b.length
    }
  }).length
}

// The JS a page loads before the wasm, as shipped (comments included): 10 KiB brotli.
const JS_BUDGET = 10240

test(`the loader and wasm_exec.js stay within ${JS_BUDGET} bytes brotli`, (t) => {
  built()
  const loader = brotliSize('authfetch.js')
  const goGlue = brotliSize('wasm_exec.js')
  t.diagnostic(`authfetch.js ${loader} + wasm_exec.js ${goGlue} = ${loader + goGlue} bytes (brotli -q 11)`)
  assert.ok(loader + goGlue <= JS_BUDGET, `authfetch.js ${loader} + wasm_exec.js ${goGlue} = ${loader + goGlue} bytes brotli, over ${JS_BUDGET}`)
})
