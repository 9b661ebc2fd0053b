/**
 * The HTTP door on loopback: KV v2 reads and transit encryptions per second through `listen()` with
 * keep-alive connections, at 1 and 16 requests in flight, beside a bare `node:http` server answering a
 * fixed JSON body of the same size in the same run (the ceiling: Node's own parser and writer, no vault
 * behind it — it could not serve `LIST`, but this bench only sends GET and POST). The in-process
 * `vault.request()` of the same read shows what the HTTP translation costs. Last, the time from
 * `startTestVault()` to its first answered request.
 *
 * The client is a minimal keep-alive HTTP/1.1 client over raw sockets (one connection per request in
 * flight), so the numbers are the servers', not a client library's. Client and server share this one
 * process (and thread), so absolute figures understate a server with a core to itself; compare rows.
 */
import { createServer, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import { listen } from '../src/http/node.js'
import { Vault } from '../src/index.node.js'
import { startTestVault } from '../src/testing/server.js'

const WARMUP_MS = 300
const RUN_MS = 1500

/** One keep-alive connection that sends `request` and waits for each whole response. */
class Lane {
  #socket: Socket
  #buf: Buffer = Buffer.alloc(0)
  #resolve: (() => void) | null = null

  constructor(socket: Socket) {
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d])
      this.#check()
    })
  }

  static open(port: number): Promise<Lane> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new Lane(s)))
      s.once('error', reject)
    })
  }

  #check(): void {
    const end = this.#buf.indexOf('\r\n\r\n')
    if (end < 0 || !this.#resolve) return
    const head = this.#buf.subarray(0, end).toString('latin1')
    if (!/^HTTP\/1\.1 (200|404) /.test(head)) throw new Error(`unexpected answer: ${head.split('\r\n')[0]}`)
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0)
    if (this.#buf.length < end + 4 + length) return
    this.#buf = this.#buf.subarray(end + 4 + length)
    const r = this.#resolve
    this.#resolve = null
    r()
  }

  send(request: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.#resolve = resolve
      this.#socket.write(request)
    })
  }

  close(): void {
    this.#socket.destroy()
  }
}

/** Requests per second with `concurrency` keep-alive connections each sending `request` in a loop. */
async function measure(port: number, request: string, concurrency: number): Promise<number> {
  const bytes = Buffer.from(request, 'latin1')
  const lanes = await Promise.all(Array.from({ length: concurrency }, () => Lane.open(port)))
  const runFor = async (ms: number) => {
    let count = 0
    const until = performance.now() + ms
    await Promise.all(
      lanes.map(async (lane) => {
        while (performance.now() < until) {
          await lane.send(bytes)
          count++
        }
      }),
    )
    return count
  }
  await runFor(WARMUP_MS)
  const started = performance.now()
  const count = await runFor(RUN_MS)
  const elapsed = performance.now() - started
  for (const l of lanes) l.close()
  return (count / elapsed) * 1000
}

/** In-process requests per second of `fn`, with `concurrency` loops at once. */
async function measureInProcess(fn: () => Promise<unknown>, concurrency: number): Promise<number> {
  const runFor = async (ms: number) => {
    let count = 0
    const until = performance.now() + ms
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await fn()
          count++
        }
      }),
    )
    return count
  }
  await runFor(WARMUP_MS)
  const started = performance.now()
  const count = await runFor(RUN_MS)
  return (count / (performance.now() - started)) * 1000
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((r) => server.close(() => r()))
}

export async function run(): Promise<void> {
  const vault = await Vault.dev({ rootToken: 'root' })
  await vault.request({
    method: 'PUT',
    path: 'secret/data/bench',
    data: { data: { username: 'app', password: 'correct horse battery staple' } },
    token: 'root',
  })
  const kvBody = JSON.stringify(
    await vault.request({ method: 'GET', path: 'secret/data/bench', token: 'root' }),
  )
  const transit = vault.engines.get('secret', 'transit') !== undefined
  if (transit) {
    await vault.request({
      method: 'POST',
      path: 'sys/mounts/transit',
      data: { type: 'transit' },
      token: 'root',
    })
    await vault.request({ method: 'POST', path: 'transit/keys/bench', token: 'root' })
  }
  const server = await listen(vault, { port: 0 })

  // The ceiling: node:http answering a fixed body of the KV answer's size.
  const fixed = `${kvBody}\n`
  const bare = createServer((_req, res) => {
    res.writeHead(200, {
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(fixed),
      'Content-Type': 'application/json',
    })
    res.end(fixed)
  })
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()))
  const barePort = (bare.address() as { port: number }).port

  const kvGet = 'GET /v1/secret/data/bench HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: root\r\n\r\n'
  const encryptBody = '{"plaintext":"aGVsbG8sIHdvcmxk"}'
  const encrypt = `POST /v1/transit/encrypt/bench HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: root\r\nContent-Length: ${encryptBody.length}\r\n\r\n${encryptBody}`

  const rows: Array<{ task: string; concurrency: number; 'req/s': number; 'vs node:http': string }> = []
  for (const concurrency of [1, 16]) {
    const ceiling = await measure(barePort, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', concurrency)
    const add = (task: string, rps: number) =>
      rows.push({
        task,
        concurrency,
        'req/s': Math.round(rps),
        'vs node:http': `${(rps / ceiling).toFixed(2)}×`,
      })
    add('node:http, fixed JSON body (ceiling)', ceiling)
    add(
      'vaultlet listen(): GET /nope (404 before the vault: parser + writer only)',
      await measure(server.port, 'GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', concurrency),
    )
    add('vaultlet listen(): GET secret/data/bench (KV v2)', await measure(server.port, kvGet, concurrency))
    if (transit)
      add('vaultlet listen(): POST transit/encrypt/bench', await measure(server.port, encrypt, concurrency))
    add(
      'in-process vault.request(): KV v2 read',
      await measureInProcess(
        () => vault.request({ method: 'GET', path: 'secret/data/bench', token: 'root' }),
        concurrency,
      ),
    )
  }
  console.table(rows)
  if (!transit) console.log('transit: not registered in this build — transit encrypt skipped')

  await server.close()
  await closeServer(bare)
  await vault.close()

  // startTestVault() to the first answered request over HTTP.
  const times: number[] = []
  for (let i = 0; i < 20; i++) {
    const started = performance.now()
    const t = await startTestVault()
    const res = await fetch(`${t.url}/v1/sys/health`)
    await res.arrayBuffer()
    times.push(performance.now() - started)
    await t.close()
  }
  times.sort((a, b) => a - b)
  console.table([
    {
      task: 'startTestVault() → first answered request (fetch)',
      'median ms': Number((times[10] ?? 0).toFixed(1)),
      'min ms': Number((times[0] ?? 0).toFixed(1)),
      'max ms': Number((times[19] ?? 0).toFixed(1)),
    },
  ])
}
