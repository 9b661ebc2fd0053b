/**
 * Audit devices: every request and response on the record, no secret in the clear, fail closed.
 * `npx tsx examples/audit.ts`
 */
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Vault } from 'vaultlet'
import { fileDeviceType } from '../src/audit/file.js'
import { type AuditBroker, type AuditEntry, callbackDeviceType } from '../src/audit/index.js'

const step = (title: string) => console.log(`\n\x1b[1m▶ ${title}\x1b[0m`)
const show = (label: string, value: unknown) =>
  console.log(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)

const vault = await Vault.dev({ rootToken: 'root' })
if (!Reflect.has(vault, 'audit')) {
  console.log('Auditing is not wired into the request pipeline yet (src/vault.ts): nothing to show.')
  await vault.close()
  process.exit(0)
}
const audit = (vault as unknown as { audit: AuditBroker }).audit
if (!audit.deviceTypes().includes('file')) audit.registerDeviceType('file', fileDeviceType)
const dir = await mkdtemp(join(tmpdir(), 'vaultlet-audit-example-'))
const logPath = join(dir, 'vault_audit.log')

try {
  step('PUT sys/audit/file: a file device (created now; enable fails if it cannot be opened)')
  await vault.request({
    method: 'PUT',
    path: 'sys/audit/file',
    data: { type: 'file', options: { file_path: logPath } },
    token: 'root',
  })
  const seen: string[] = []
  audit.registerDeviceType(
    'siem',
    callbackDeviceType((entry) => {
      seen.push(`${entry.type} ${entry.request?.operation} ${entry.request?.path}`)
    }),
  )
  await vault.request({ method: 'PUT', path: 'sys/audit/siem', data: { type: 'siem' }, token: 'root' })
  show(
    'devices',
    Object.keys((await vault.request({ method: 'GET', path: 'sys/audit', token: 'root' })).data ?? {}),
  )

  step('A secret goes in and out')
  const password = 'correct-horse-battery-staple'
  await vault.kv('secret', { token: 'root' }).put('app/db', { username: 'app', password })
  await vault.kv('secret', { token: 'root' }).get('app/db')

  step('What the file device wrote')
  const entries = (await readFile(logPath, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry)
  for (const e of entries) show(e.type.padEnd(8), `${e.request?.operation} ${e.request?.path}`)
  const read = entries.findLast((e) => e.type === 'response' && e.request?.path === 'secret/data/app/db')
  show('logged password', (read?.response?.data?.data as Record<string, string> | undefined)?.password)
  show('password in the log?', (await readFile(logPath, 'utf8')).includes(password))

  step('PUT sys/audit-hash/file: find a known value in the log')
  const { data } = await vault.request({
    method: 'PUT',
    path: 'sys/audit-hash/file',
    data: { input: password },
    token: 'root',
  })
  show('hash', data?.hash)
  show('appears in the log', (await readFile(logPath, 'utf8')).includes(data?.hash as string))
  show('the callback device saw', seen)

  step('Log rotation: rename the file, reopen (wire this to SIGHUP)')
  await rename(logPath, `${logPath}.1`)
  await audit.reopen()
  await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
  show('lines in the new file', (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).length)

  step('Fail closed: when no device can record a request, it is not served')
  await vault.request({ method: 'DELETE', path: 'sys/audit/file', token: 'root' })
  await vault.request({ method: 'DELETE', path: 'sys/audit/siem', token: 'root' })
  let down = false
  audit.registerDeviceType('flaky', () => ({
    async write() {
      if (down) throw new Error('disk full')
    },
  }))
  await vault.request({ method: 'PUT', path: 'sys/audit/flaky', data: { type: 'flaky' }, token: 'root' })
  vault.on(
    'audit:failed' as never,
    ((e: { path: string; error: string }) => show('event audit:failed', e)) as never,
  )
  down = true
  const refused = await vault.handle({ method: 'GET', path: 'secret/data/app/db', token: 'root' })
  show('answer', refused)
  down = false
  await vault.request({ method: 'DELETE', path: 'sys/audit/flaky', token: 'root' })
} finally {
  await vault.close()
  await rm(dir, { recursive: true, force: true })
}
