import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.test.ts'],
    globalSetup: ['./global-setup.ts'],
  },
  // Inside this repository the package name points at the sources; in your project, leave this out.
  resolve: {
    alias: {
      'vaultlet/testing/server': src('testing/server.ts'),
    },
  },
})
