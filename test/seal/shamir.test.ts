import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../../src/errors.js'
import { combineShares, splitSecret } from '../../src/seal/shamir.js'

// ---- A tiny, independent reference of Vault's field: GF(2^8) mod x^8+x^4+x^3+x+1 (0x11B) -------------

/** Carry-less "Russian peasant" multiplication, reduced by 0x11B. */
function gfMul(a: number, b: number): number {
  let r = 0
  while (b > 0) {
    if (b & 1) r ^= a
    a <<= 1
    if (a & 0x100) a ^= 0x11b
    b >>= 1
  }
  return r
}

/** a^-1 = a^254 (a ≠ 0). */
function gfInv(a: number): number {
  let r = 1
  for (let i = 0; i < 254; i++) r = gfMul(r, a)
  return r
}

/** f(x) = c[0] + c[1]·x + c[2]·x² + … over GF(2^8). */
function evalPoly(coeffs: number[], x: number): number {
  let y = 0
  let xp = 1
  for (const c of coeffs) {
    y ^= gfMul(c, xp)
    xp = gfMul(xp, x)
  }
  return y
}

/** Builds Vault-layout shares `[y_0 … y_{n-1}, x]` from one polynomial per secret byte. */
function makeShares(polys: number[][], xs: number[]): Uint8Array[] {
  return xs.map((x) => Uint8Array.from([...polys.map((p) => evalPoly(p, x)), x]))
}

/** Lagrange interpolation at 0, independent of the package. */
function refCombine(shares: Uint8Array[]): Uint8Array {
  const len = shares[0]!.length - 1
  const xs = shares.map((s) => s[len]!)
  const out = new Uint8Array(len)
  for (let j = 0; j < len; j++) {
    let acc = 0
    for (let i = 0; i < shares.length; i++) {
      let basis = 1
      for (let k = 0; k < shares.length; k++) {
        if (k !== i) basis = gfMul(basis, gfMul(xs[k]!, gfInv(xs[i]! ^ xs[k]!)))
      }
      acc ^= gfMul(shares[i]![j]!, basis)
    }
    out[j] = acc
  }
  return out
}

// ---- helpers --------------------------------------------------------------------------------------------

const rand = (n: number) => Math.floor(Math.random() * n)
const randomSecret = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

function shuffled<T>(items: T[]): T[] {
  const a = items.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = rand(i + 1)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

async function expectInvalid(p: Promise<unknown>, message: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InvalidRequestError)
  expect((err as InvalidRequestError).code).toBe('ERR_INVALID_REQUEST')
  expect((err as InvalidRequestError).statusCode).toBe(400)
  expect((err as InvalidRequestError).message).toBe(message)
}

// ---- known answers (no randomness) ----------------------------------------------------------------------

describe('known answers in Vault field GF(2^8)/0x11B', () => {
  it('the reference multiply matches FIPS-197 §4.2 ({57}·{83} = {c1}, {57}·{13} = {fe})', () => {
    expect(gfMul(0x57, 0x83)).toBe(0xc1)
    expect(gfMul(0x57, 0x13)).toBe(0xfe)
    expect(gfMul(gfInv(0x53), 0x53)).toBe(1) // FIPS-197 §4.2: {53}^-1 = {ca}
    expect(gfInv(0x53)).toBe(0xca)
  })

  it('hand-computed: f(x) = 0x2a + 0x03·x at x = 1, 2 → shares 29 01, 2c 02', async () => {
    // 0x03·1 = 0x03 → 0x2a ⊕ 0x03 = 0x29;  0x03·2 = 0x06 (no reduction) → 0x2a ⊕ 0x06 = 0x2c
    const shares = [Uint8Array.from([0x29, 0x01]), Uint8Array.from([0x2c, 0x02])]
    expect(makeShares([[0x2a, 0x03]], [1, 2])).toEqual(shares)
    expect(await combineShares(shares)).toEqual(Uint8Array.from([0x2a]))
    expect(await combineShares([shares[1]!, shares[0]!])).toEqual(Uint8Array.from([0x2a]))
  })

  it('hand-computed with reduction: f(x) = 0x2a + 0x80·x at x = 2, 3 → shares 31 02, b1 03 (pins 0x11B)', async () => {
    // 0x80·2 = 0x100 ⊕ 0x11b = 0x1b → 0x2a ⊕ 0x1b = 0x31
    // 0x80·3 = 0x1b ⊕ 0x80 = 0x9b  → 0x2a ⊕ 0x9b = 0xb1
    // (with 0x11D instead, 0x80·2 would be 0x1d and these shares would not recover 0x2a)
    const shares = [Uint8Array.from([0x31, 0x02]), Uint8Array.from([0xb1, 0x03])]
    expect(makeShares([[0x2a, 0x80]], [2, 3])).toEqual(shares)
    expect(await combineShares(shares)).toEqual(Uint8Array.from([0x2a]))
  })

  it('degree-2 polynomials at fixed x = 1, 7, 200, 255: any 3 shares recover the secret', async () => {
    const secret = [0x00, 0x2a, 0xff, 0x80, 0x01]
    const polys = secret.map((s, i) => [s, (0x53 * (i + 1)) & 0xff, (0xca + 17 * i) & 0xff])
    const shares = makeShares(polys, [1, 7, 200, 255])
    for (const trio of [
      [0, 1, 2],
      [0, 1, 3],
      [0, 2, 3],
      [1, 2, 3],
      [3, 0, 2],
    ]) {
      const picked = trio.map((i) => shares[i]!)
      expect(await combineShares(picked)).toEqual(Uint8Array.from(secret))
    }
    expect(await combineShares(shares)).toEqual(Uint8Array.from(secret)) // more than threshold also works
    // Two shares of a degree-2 polynomial give a wrong answer for this fixed vector (no error).
    expect(await combineShares([shares[0]!, shares[1]!])).not.toEqual(Uint8Array.from(secret))
  })

  it('shares from splitSecret interpolate correctly under the independent reference field', async () => {
    const secret = randomSecret(32)
    const shares = await splitSecret(secret, 5, 3)
    expect(refCombine([shares[0]!, shares[2]!, shares[4]!])).toEqual(secret)
    expect(refCombine(shares)).toEqual(secret)
  })
})

// ---- properties ------------------------------------------------------------------------------------------

describe('properties (random inputs)', () => {
  it('any subset of size ≥ threshold, in any order, recovers the secret', async () => {
    for (let round = 0; round < 150; round++) {
      const secret = randomSecret(1 + rand(64))
      const parts = 2 + rand(9) // 2..10
      const threshold = 2 + rand(parts - 1) // 2..parts
      const shares = await splitSecret(secret, parts, threshold)

      expect(shares).toHaveLength(parts)
      const xs = shares.map((s) => s[s.length - 1]!)
      for (const s of shares) {
        expect(s.length).toBe(secret.length + 1)
        expect(s.constructor).toBe(Uint8Array)
      }
      expect(new Set(xs).size).toBe(parts)
      expect(xs.every((x) => x >= 1 && x <= 255)).toBe(true)

      for (let t = 0; t < 4; t++) {
        const size = threshold + rand(parts - threshold + 1)
        const subset = shuffled(shares).slice(0, size)
        expect(hex(await combineShares(subset))).toBe(hex(secret))
      }
    }
  })

  it('threshold − 1 shares (≥ 2) do not recover a 32-byte secret', async () => {
    for (let round = 0; round < 60; round++) {
      const secret = randomSecret(32)
      const parts = 3 + rand(8) // 3..10
      const threshold = 3 + rand(parts - 2) // 3..parts
      const shares = await splitSecret(secret, parts, threshold)
      const subset = shuffled(shares).slice(0, threshold - 1)
      expect(hex(await combineShares(subset))).not.toBe(hex(secret))
    }
  })

  it('splits of the same secret differ (fresh coefficients and x coordinates)', async () => {
    const secret = randomSecret(32)
    const a = await splitSecret(secret, 3, 2)
    const b = await splitSecret(secret, 3, 2)
    expect(a.map(hex)).not.toEqual(b.map(hex))
  })

  it('handles the extremes: 255 parts, threshold 255', async () => {
    const secret = randomSecret(4)
    const shares = await splitSecret(secret, 255, 255)
    expect(new Set(shares.map((s) => s[4])).size).toBe(255)
    expect(await combineShares(shuffled(shares))).toEqual(secret)
  })

  it('accepts Node Buffers and does not modify its inputs', async () => {
    const secret = Buffer.from(randomSecret(16))
    const before = hex(secret)
    const shares = await splitSecret(secret, 3, 2)
    expect(hex(secret)).toBe(before)
    const asBuffers = shares.map((s) => Buffer.from(s))
    const out = await combineShares(asBuffers)
    expect(hex(out)).toBe(before)
    expect(out.constructor).toBe(Uint8Array)
    expect(asBuffers.map(hex)).toEqual(shares.map(hex))
  })
})

// ---- validation (Vault's messages) ----------------------------------------------------------------------

describe('validation', () => {
  const secret = Uint8Array.from([1, 2, 3])

  it('splitSecret rejects bad parameters with Vault’s messages', async () => {
    await expectInvalid(splitSecret(secret, 2, 3), 'parts cannot be less than threshold')
    await expectInvalid(splitSecret(secret, 256, 3), 'parts cannot exceed 255')
    await expectInvalid(splitSecret(secret, 3, 1), 'threshold must be at least 2')
    await expectInvalid(splitSecret(secret, 3, 0), 'threshold must be at least 2')
    await expectInvalid(splitSecret(new Uint8Array(), 3, 2), 'cannot split an empty secret')
    await expectInvalid(splitSecret(secret, 2.5, 2), 'parts must be an integer')
    await expectInvalid(splitSecret(secret, 3, Number.NaN), 'threshold must be an integer')
  })

  it('`threshold cannot exceed 255` is unreachable in Vault’s order: parts is checked first', async () => {
    await expectInvalid(splitSecret(secret, 256, 256), 'parts cannot exceed 255')
    await expectInvalid(splitSecret(secret, 255, 256), 'parts cannot be less than threshold')
  })

  it('combineShares rejects bad shares with Vault’s messages', async () => {
    const [a, b, c] = await splitSecret(secret, 3, 2)
    await expectInvalid(combineShares([]), 'less than two parts cannot be used to reconstruct the secret')
    await expectInvalid(combineShares([a!]), 'less than two parts cannot be used to reconstruct the secret')
    await expectInvalid(combineShares([a!, b!.subarray(1)]), 'all parts must be the same length')
    await expectInvalid(combineShares([a!, b!, new Uint8Array(5)]), 'all parts must be the same length')
    await expectInvalid(
      combineShares([Uint8Array.of(1), Uint8Array.of(2)]),
      'parts must be at least two bytes',
    )
    await expectInvalid(combineShares([a!, b!, a!.slice()]), 'duplicate part detected')
    const sameX = c!.slice()
    sameX[sameX.length - 1] = a![a!.length - 1]!
    await expectInvalid(combineShares([a!, sameX]), 'duplicate part detected')
  })

  it('non-byte inputs throw TypeError', async () => {
    await expect(splitSecret('abc' as unknown as Uint8Array, 3, 2)).rejects.toThrow(TypeError)
    await expect(combineShares([secret, 'ab' as unknown as Uint8Array])).rejects.toThrow(TypeError)
    await expect(combineShares('ab' as unknown as Uint8Array[])).rejects.toThrow(TypeError)
  })
})
