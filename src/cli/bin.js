#!/usr/bin/env node
// The `vaultlet` command (package.json `bin`). Plain JavaScript on purpose: it must start before
// anything is compiled.
//
// - In a checkout (src/cli/main.ts is here, e.g. a fresh clone after `npm ci`): the TypeScript source
//   runs through tsx, a devDependency, so `npx vaultlet server -dev` works without `npm run build`
//   and never runs a stale build.
// - In the published package (only dist/ and this file ship): the compiled dist/cli/main.js runs.
// It lives under src/cli/ rather than a top-level bin/ to keep the repository's top level to
// src/test/examples/docs.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const source = new URL('./main.ts', import.meta.url)
const compiled = new URL('../../dist/cli/main.js', import.meta.url)

async function load() {
  if (existsSync(fileURLToPath(source))) {
    try {
      const { register } = await import('tsx/esm/api')
      register()
      return await import(source.href)
    } catch (error) {
      // No tsx (installed without devDependencies): fall back to a build if there is one.
      if (!existsSync(fileURLToPath(compiled))) throw error
    }
  }
  if (existsSync(fileURLToPath(compiled))) return import(compiled.href)
  throw new Error(
    'vaultlet: neither src/cli/main.ts with tsx nor dist/cli/main.js was found; run `npm run build`',
  )
}

const main = await load()
process.exitCode = await main.run(process.argv.slice(2))
