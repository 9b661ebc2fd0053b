/**
 * A vitest suite that uses vaultlet as a fake Vault: `examples/vitest/` has the app code, the suite,
 * a global setup that starts one `startTestVault()` for the run, and per-test vaults with a manual
 * clock. This file runs that suite the way you would (`vitest run --config …`) and exits with its
 * status.
 *
 * Run: `npx tsx examples/testing-with-vitest.ts`
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--config', join(here, 'vitest', 'vitest.config.ts')],
  {
    stdio: 'inherit',
  },
)
process.exit(result.status ?? 1)
