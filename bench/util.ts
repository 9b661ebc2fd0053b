/** Shared helpers for the benchmarks: ops/s of a finished tinybench task. */
import type { Bench } from 'tinybench'

/** Mean operations per second of task `name` (throws if it did not complete). */
export function opsPerSec(bench: Bench, name: string): number {
  const r = bench.getTask(name)?.result
  if (r?.state !== 'completed') throw new Error(`task ${name} did not complete (${r?.state})`)
  return 1000 / r.latency.mean
}
