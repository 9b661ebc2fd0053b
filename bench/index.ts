/**
 * `npm run bench`: every benchmark in one run, each reporting ratios against a baseline measured in
 * the same run (never absolute thresholds). Pass names to run a subset: `npm run bench -- barrier`.
 */
const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  crypto: () => import('./crypto.bench.js'),
  barrier: () => import('./barrier.bench.js'),
  startup: () => import('./startup.bench.js'),
  acl: () => import('./acl.bench.js'),
  token: () => import('./token.bench.js'),
  kv: () => import('./kv.bench.js'),
  transit: () => import('./transit.bench.js'),
  leases: () => import('./leases.bench.js'),
  auth: () => import('./auth.bench.js'),
  database: () => import('./database.bench.js'),
  http: () => import('./http.bench.js'),
  audit: () => import('./audit.bench.js'),
}

const wanted = process.argv.slice(2)
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  console.log(`\n## ${name}\n`)
  await (await load()).run()
}
