// wgsl_reflect's package `main` is a CommonJS file inside a `"type": "module"` package, which
// Node's ESM loader cannot import by name; we import its self-contained ES module build by path
// (works in Node, Vitest and Turbopack alike) and give that path the package's own types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
