/**
 * ACL construction and `allowOperation` with 1,000 policies attached to one token, 10,000 path rules in
 * all (half exact, 30 % `*` prefix, 20 % `+` segment wildcards), beside baselines measured in the same
 * run: a `Map.get` of the request path in a 10,000-entry map (the cheapest possible exact-match ACL),
 * and `allowOperation` on a one-policy, ten-rule ACL (to show a check does not grow with the rule
 * count).
 *
 * Run: `npx tsx -e "import('./bench/acl.bench.ts').then(m=>m.run())"`
 *
 * @module
 */

import { Bench } from 'tinybench'
import type { Operation } from '../src/core/logical.js'
import { ACL, type Policy, parsePolicy } from '../src/policy/index.js'
import { opsPerSec } from './util.js'

const POLICIES = 1000
const RULES_PER_POLICY = 10
const REQUESTS = 4096

/** mulberry32: a seeded PRNG, so every run checks the same rules and paths. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CAPS = ['create', 'read', 'update', 'delete', 'list', 'patch', 'sudo']

interface Workload {
  policies: Policy[]
  exactPaths: string[]
  requests: { path: string; operation: Operation }[]
}

function workload(): Workload {
  const rnd = prng(42)
  const int = (n: number) => Math.floor(rnd() * n)
  const policies: Policy[] = []
  const exactPaths: string[] = []
  const concrete: string[] = []
  for (let p = 0; p < POLICIES; p++) {
    const team = `team-${p % 250}`
    const stanzas: string[] = []
    for (let r = 0; r < RULES_PER_POLICY; r++) {
      const app = `app-${int(40)}`
      const kind = rnd()
      let pattern: string
      if (kind < 0.5) {
        pattern = `secret/data/${team}/${app}/key-${int(20)}`
        exactPaths.push(pattern)
        concrete.push(pattern)
      } else if (kind < 0.8) {
        pattern = `secret/data/${team}/${app}/*`
        concrete.push(`secret/data/${team}/${app}/cfg-${int(9)}`)
      } else {
        pattern = `secret/+/${team}/${app}/+`
        concrete.push(`secret/metadata/${team}/${app}/k${int(9)}`)
      }
      const caps = CAPS.filter(() => rnd() < 0.4)
      stanzas.push(
        `path "${pattern}" { capabilities = ${JSON.stringify(caps.length > 0 ? caps : ['read'])} }`,
      )
    }
    policies.push(parsePolicy(`policy-${p}`, stanzas.join('\n')))
  }
  const ops: Operation[] = ['read', 'update', 'list', 'create']
  const requests = Array.from({ length: REQUESTS }, () => {
    // Three in four requests hit a rule; the rest miss (another mount, or an unknown team).
    const path = rnd() < 0.75 ? concrete[int(concrete.length)]! : `kv/team-${int(999)}/x/${int(99)}`
    return { path, operation: ops[int(ops.length)]! }
  })
  return { policies, exactPaths, requests }
}

/**
 * Runs the benchmark (about 6 s) and prints ops/s for ACL construction, `allowOperation` on the large
 * and the small ACL, and the `Map.get` baseline, with the ratios between them.
 *
 * @example
 * ```ts
 * await (await import('./bench/acl.bench.ts')).run()
 * ```
 */
export async function run(): Promise<void> {
  const { policies, exactPaths, requests } = workload()
  const big = new ACL(policies)
  const small = new ACL([policies[0]!])
  const baseline = new Map(exactPaths.map((p) => [p, { capabilities: 0 }]))

  let i = 0
  let sink = 0
  // Few minimum iterations: construction takes tens of milliseconds, the checks are time-bound anyway.
  const bench = new Bench({
    name: 'ACL (1,000 policies, 10,000 rules)',
    time: 1200,
    warmupTime: 200,
    iterations: 16,
    warmupIterations: 4,
  })
  bench
    .add(
      'new ACL(1,000 policies)',
      () => {
        sink += new ACL(policies).isRoot ? 1 : 0
      },
      { async: false },
    )
    .add(
      'allowOperation, 10,000 rules',
      () => {
        const r = requests[i++ & (REQUESTS - 1)]!
        if (big.allowOperation(r).allowed) sink++
      },
      { async: false },
    )
    .add(
      'allowOperation, 10 rules',
      () => {
        const r = requests[i++ & (REQUESTS - 1)]!
        if (small.allowOperation(r).allowed) sink++
      },
      { async: false },
    )
    .add(
      'baseline Map.get(path)',
      () => {
        const r = requests[i++ & (REQUESTS - 1)]!
        if (baseline.get(r.path) !== undefined) sink++
      },
      { async: false },
    )
  await bench.run()

  const build = opsPerSec(bench, 'new ACL(1,000 policies)')
  const checkBig = opsPerSec(bench, 'allowOperation, 10,000 rules')
  const checkSmall = opsPerSec(bench, 'allowOperation, 10 rules')
  const mapGet = opsPerSec(bench, 'baseline Map.get(path)')
  const allowedShare = requests.filter((r) => big.allowOperation(r).allowed).length / REQUESTS
  console.log(
    `${bench.name} (${process.version}, ${process.arch}); ${REQUESTS} requests cycled, ` +
      `${Math.round(allowedShare * 100)} % allowed${sink < 0 ? '' : ''}`,
  )
  console.table([
    {
      task: 'new ACL(1,000 policies)',
      'ops/s': Math.round(build),
      'ms/op': (1000 / build).toFixed(2),
      ratio: '',
    },
    {
      task: 'allowOperation, 10,000 rules',
      'ops/s': Math.round(checkBig),
      'ms/op': (1000 / checkBig).toFixed(5),
      ratio: `${(mapGet / checkBig).toFixed(1)}× slower than Map.get`,
    },
    {
      task: 'allowOperation, 10 rules',
      'ops/s': Math.round(checkSmall),
      'ms/op': (1000 / checkSmall).toFixed(5),
      ratio: `10,000-rule ACL at ${((checkBig / checkSmall) * 100).toFixed(0)} % of this speed`,
    },
    {
      task: 'baseline Map.get(path)',
      'ops/s': Math.round(mapGet),
      'ms/op': (1000 / mapGet).toFixed(5),
      ratio: '1×',
    },
  ])
}
