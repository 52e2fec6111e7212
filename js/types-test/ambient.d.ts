// What a browser app's build provides and this folder does not install.

// Vite's `?url` imports are strings (an app gets this from `vite/client`).
declare module '*?url' {
  const url: string
  export default url
}

// ofetch's declarations import undici's (Node's fetch) types, which a browser project
// does not install; ofetch's browser types do not depend on them.
declare module 'undici'
