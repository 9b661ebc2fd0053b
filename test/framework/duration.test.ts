// Expected values follow Go's time.ParseDuration / time.Duration.String and
// hashicorp/go-secure-stdlib parseutil.ParseDurationSecond (as used by openbao sdk/framework).
import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../../src/errors.js'
import { formatDuration, parseDuration } from '../../src/framework/duration.js'

describe('parseDuration', () => {
  it.each([
    [300, 300],
    [0, 0],
    [-5, -5],
    ['300', 300],
    ['+300', 300],
    ['-300', -300],
    ['007', 7],
    ['', 0],
    [null, 0],
    [undefined, 0],
    ['1h30m', 5400],
    ['90s', 90],
    ['1.5h', 5400],
    ['42m', 2520],
    ['-42m', -2520],
    ['1h1m1s', 3661],
    ['1m30.9s', 90],
    ['300ms', 0],
    ['-300ms', 0],
    ['1999ms', 1],
    ['1.9s', 1],
    ['-1.9s', -1],
    ['1000000us', 1],
    ['1000000µs', 1],
    ['1000000μs', 1],
    ['1000000000ns', 1],
    ['.5m', 30],
    ['5.s', 5],
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['1.0000000001s', 1],
    ['7d', 604800],
    ['-2d', -172800],
    ['+1d', 86400],
    ['0d', 0],
    ['2562047h', 9223369200],
    ['106751d', 9223286400],
    ['9223372036', 9223372036],
  ])('%j → %d', (input, expected) => {
    expect(parseDuration(input)).toBe(expected)
  })

  it('accepts a bigint as integer seconds', () => {
    expect(parseDuration(10n)).toBe(10)
  })

  it.each([
    [1.5, 'time: missing unit in duration "1.5"'],
    ['1.5', 'time: missing unit in duration "1.5"'],
    ['abc', 'time: invalid duration "abc"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['1e3', 'time: unknown unit "e" in duration "1e3"'],
    ['1hh', 'time: unknown unit "hh" in duration "1hh"'],
    [' 300', 'time: invalid duration " 300"'],
    ['300 ', 'time: unknown unit " " in duration "300 "'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['µs', 'time: invalid duration "\\xc2\\xb5s"'],
    ['h', 'time: invalid duration "h"'],
    ['1.5d', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['1h2d', 'strconv.ParseInt: parsing "1h2": invalid syntax'],
    ['d', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['99999999999999999999d', 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ['106752d', 'multiplication of durations resulted in overflow, one operand may be too large'],
    ['9223372037', 'multiplication of durations resulted in overflow, one operand may be too large'],
    [-9223372037, 'multiplication of durations resulted in overflow, one operand may be too large'],
    ['2562048h', 'time: invalid duration "2562048h"'],
    ['99999999999999999999', 'time: invalid duration "99999999999999999999"'],
    [true, 'could not parse duration from input'],
    [[], 'could not parse duration from input'],
    [{}, 'could not parse duration from input'],
  ])('%j is rejected', (input, message) => {
    let err: unknown
    try {
      parseDuration(input)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect((err as InvalidRequestError).code).toBe('ERR_INVALID_REQUEST')
    expect((err as InvalidRequestError).statusCode).toBe(400)
    expect((err as InvalidRequestError).message).toBe(message)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1s'],
    [59, '59s'],
    [60, '1m0s'],
    [90, '1m30s'],
    [3600, '1h0m0s'],
    [3661, '1h1m1s'],
    [5400, '1h30m0s'],
    [86400, '24h0m0s'],
    [2764800, '768h0m0s'],
    [9223372036, '2562047h47m16s'],
    [-5, '-5s'],
    [-5400, '-1h30m0s'],
    [1.5, '1.5s'],
    [0.3, '300ms'],
    [0.0015, '1.5ms'],
    [0.0000015, '1.5µs'],
    [1e-9, '1ns'],
    [-0.25, '-250ms'],
  ])('%d → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected)
  })

  it('round-trips through parseDuration', () => {
    for (const s of [0, 1, 59, 61, 3599, 3600, 86399, 2764800, -3661]) {
      expect(parseDuration(formatDuration(s))).toBe(s)
    }
  })

  it('rejects non-finite input', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(TypeError)
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(TypeError)
  })
})
