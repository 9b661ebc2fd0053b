/**
 * `npm run examples`: runs every example in this folder (CI runs it); fails on the first that fails.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
  .sort()
let failed = 0
for (const file of files) {
  const started = performance.now()
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { encoding: 'utf8' })
  const ms = (performance.now() - started).toFixed(0)
  if (res.status === 0) {
    console.log(`ok   ${file} (${ms} ms)`)
  } else {
    failed++
    console.log(`FAIL ${file} (exit ${res.status})\n${res.stdout}\n${res.stderr}`)
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
