// `vaultlet server` as a user runs it: the package's bin (src/cli/bin.js, which runs the TypeScript
// source through tsx in a checkout) spawned as a child process on a free port, driven over HTTP, and
// stopped with SIGTERM/SIGINT. Checked against `vault server -dev` (banner with address, unseal key,
// root token and warning; -dev-root-token-id, -dev-listen-address, -dev-kv-v1 and their VAULT_DEV_*
// environment variables) and a config-file server that starts sealed.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const { port } = s.address() as { port: number }
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

interface Running {
  child: ChildProcess
  output: () => string
  /** Resolves with the output once `pattern` appears in it. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>
  exited: Promise<number | null>
}

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

function vaultlet(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, VAULT_DEV_ROOT_TOKEN_ID: '', VAULT_DEV_LISTEN_ADDRESS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  const listeners: Array<() => void> = []
  const onData = (d: Buffer) => {
    out += d.toString()
    for (const l of listeners) l()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m)
          }
        }
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)),
          ms,
        )
        listeners.push(check)
        exited.then(() => setTimeout(check, 0))
        check()
      })
    },
  }
}

describe('vaultlet server -dev', () => {
  it('prints the address, unseal key, root token and a warning; serves; stops on SIGTERM', async () => {
    const port = await freePort()
    const run = vaultlet(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`])
    await run.waitFor(/Development mode should NOT be used in production installations!/)
    const token = (await run.waitFor(/Root Token: (\S+)/))[1] ?? ''
    const out = run.output()
    expect(out).toContain(`$ export VAULT_ADDR='http://127.0.0.1:${port}'`)
    expect(out).toMatch(/Unseal Key: [A-Za-z0-9+/]{43}=/)
    expect(out).toMatch(/WARNING! dev mode is enabled!/)
    expect(out).toMatch(/Development mode should NOT be used in production installations!/)
    expect(token).toMatch(/^hvs\./)
    const health = await fetch(`http://127.0.0.1:${port}/v1/sys/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ initialized: true, sealed: false })
    const mounts = await fetch(`http://127.0.0.1:${port}/v1/sys/mounts`, {
      headers: { 'X-Vault-Token': token },
    })
    expect((await mounts.json()).data['secret/']).toMatchObject({ type: 'kv', options: { version: '2' } })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.output()).toContain('shutdown triggered (SIGTERM)')
    await expect(fetch(`http://127.0.0.1:${port}/v1/sys/health`)).rejects.toThrow()
  })

  it('takes -dev-root-token-id and -dev-kv-v1, or VAULT_DEV_* from the environment; stops on SIGINT', async () => {
    const port = await freePort()
    const run = vaultlet(['server', '--dev', '-dev-root-token-id', 'myroot', '-dev-kv-v1'], {
      VAULT_DEV_LISTEN_ADDRESS: `127.0.0.1:${port}`,
    })
    expect((await run.waitFor(/Root Token: (\S+)/))[1]).toBe('myroot')
    const headers = { 'X-Vault-Token': 'myroot' }
    const mounts = await (await fetch(`http://127.0.0.1:${port}/v1/sys/mounts`, { headers })).json()
    expect(mounts.data['secret/']).toMatchObject({ type: 'kv', options: { version: '1' } })
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)

    const port2 = await freePort()
    const fromEnv = vaultlet(['server', '-dev', `-dev-listen-address=127.0.0.1:${port2}`], {
      VAULT_DEV_ROOT_TOKEN_ID: 'envroot',
    })
    expect((await fromEnv.waitFor(/Root Token: (\S+)/))[1]).toBe('envroot')
    fromEnv.child.kill('SIGTERM')
    expect(await fromEnv.exited).toBe(0)
  })

  it('exits 1 when the address is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const { port } = blocker.address() as { port: number }
    const run = vaultlet(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`])
    expect(await run.exited).toBe(1)
    expect(run.output()).toMatch(/Error initializing listener of type tcp: .*EADDRINUSE/)
    blocker.close()
  })
})

describe('vaultlet server -config', () => {
  it('starts sealed from an HCL file with file storage, is initialized and unsealed over the API, keeps data across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlet-cli-'))
    try {
      const port = await freePort()
      const config = join(dir, 'server.hcl')
      await writeFile(
        config,
        `storage "file" {\n  path = "${join(dir, 'data')}"\n}\n\nlistener "tcp" {\n  address     = "127.0.0.1:${port}"\n  tls_disable = 1\n}\n\nui            = true\ndisable_mlock = true\n`,
      )
      const base = `http://127.0.0.1:${port}/v1`
      const first = vaultlet(['server', `-config=${config}`])
      await first.waitFor(/security barrier not initialized/)
      expect(first.output()).toContain(`Listener 1: tcp (addr: "127.0.0.1:${port}", tls: "disabled")`)
      expect(first.output()).toContain('Storage: file')
      expect((await fetch(`${base}/sys/health`)).status).toBe(501)
      const init = await (
        await fetch(`${base}/sys/init`, {
          method: 'PUT',
          body: JSON.stringify({ secret_shares: 1, secret_threshold: 1 }),
        })
      ).json()
      expect((await fetch(`${base}/sys/health`)).status).toBe(503)
      const unseal = await fetch(`${base}/sys/unseal`, {
        method: 'PUT',
        body: JSON.stringify({ key: init.keys[0] }),
      })
      expect((await unseal.json()).sealed).toBe(false)
      await first.waitFor(/core: vault is unsealed/)
      const headers = { 'X-Vault-Token': init.root_token }
      await fetch(`${base}/sys/mounts/kv`, { method: 'POST', headers, body: '{"type":"kv"}' })
      await fetch(`${base}/kv/app`, { method: 'PUT', headers, body: '{"a":"b"}' })
      first.child.kill('SIGTERM')
      expect(await first.exited).toBe(0)

      const second = vaultlet(['server', '-config', config])
      await second.waitFor(/vault is sealed: unseal it/)
      expect((await fetch(`${base}/sys/seal-status`).then((r) => r.json())).initialized).toBe(true)
      await fetch(`${base}/sys/unseal`, { method: 'PUT', body: JSON.stringify({ key: init.keys_base64[0] }) })
      expect((await (await fetch(`${base}/kv/app`, { headers })).json()).data).toEqual({ a: 'b' })
      second.child.kill('SIGINT')
      expect(await second.exited).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads the JSON form and serves TLS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlet-cli-'))
    try {
      const port = await freePort()
      const fixtures = fileURLToPath(new URL('../http/fixtures/', import.meta.url))
      const config = join(dir, 'server.json')
      await writeFile(
        config,
        JSON.stringify({
          storage: { inmem: {} },
          listener: [
            {
              tcp: {
                address: `127.0.0.1:${port}`,
                tls_cert_file: join(fixtures, 'localhost-cert.pem'),
                tls_key_file: join(fixtures, 'localhost-key.pem'),
              },
            },
          ],
        }),
      )
      const run = vaultlet(['server', `-config=${config}`])
      await run.waitFor(/security barrier not initialized/)
      expect(run.output()).toContain('tls: "enabled"')
      const { request } = await import('node:https')
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/v1/sys/seal-status', ca: undefined, rejectUnauthorized: false },
          (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          },
        )
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(200)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ['storage "s3" {}\nlistener "tcp" { tls_disable = 1 }', /unknown storage type "s3"/],
    ['storage "inmem" {}', /at least one listener "tcp" block is required/],
    ['listener "tcp" { tls_disable = 1 }', /A storage backend must be specified/],
    [
      'storage "inmem" {}\nlistener "tcp" { address = "127.0.0.1:0" }',
      /tls_cert_file and tls_key_file must be set/,
    ],
    ['storage "inmem" {\n', /Error loading configuration from .*server\.hcl: /],
  ])('refuses a bad configuration (%j) with exit 1', async (text, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlet-cli-'))
    try {
      const config = join(dir, 'server.hcl')
      await writeFile(config, text)
      const run = vaultlet(['server', `-config=${config}`])
      expect(await run.exited).toBe(1)
      expect(run.output()).toMatch(message)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('the command line', () => {
  it('prints its version, and exits 1 on unknown flags, commands or a server without mode', async () => {
    const version = vaultlet(['version'])
    expect(await version.exited).toBe(0)
    expect(version.output()).toMatch(/^vaultlet v\d+\.\d+\.\d+\n$/)
    const unknown = vaultlet(['server', '-nope'])
    expect(await unknown.exited).toBe(1)
    expect(unknown.output()).toContain('flag provided but not defined: -nope')
    const noMode = vaultlet(['server'])
    expect(await noMode.exited).toBe(1)
    expect(noMode.output()).toContain('At least one config path must be specified with -config')
    const cmd = vaultlet(['frobnicate'])
    expect(await cmd.exited).toBe(1)
  })
})
