// Expected coercions and messages follow openbao sdk/framework/field_data.go (getPrimitive), which weak-
// decodes with go-viper/mapstructure v2 over JSON decoded with UseNumber; parseutil for durations, times
// and comma string slices. Several cases mirror openbao's field_data_test.go.
import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../../src/errors.js'
import {
  defaultOrZero,
  FIELD_TYPES,
  FieldData,
  type FieldType,
  fieldTypeName,
  zeroValue,
} from '../../src/framework/fields.js'

/** Parses one value of one type; returns the value or the InvalidRequestError message. */
function parse(type: FieldType, value: unknown): unknown {
  const data = new FieldData({ f: { type } }, { f: value })
  data.validate()
  return data.get('f')
}

function parseError(type: FieldType, value: unknown): string {
  const data = new FieldData({ f: { type } }, { f: value })
  try {
    data.validate()
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequestError)
    expect((e as InvalidRequestError).statusCode).toBe(400)
    return (e as InvalidRequestError).message
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected as ${type}`)
}

const prefix = 'error converting input for field "f": '

describe('string types', () => {
  it.each([
    ['bar', 'bar'],
    [42, '42'],
    [1.25, '1.25'],
    [true, '1'],
    [false, '0'],
    [null, ''],
    ['', ''],
  ])('string %j → %j', (input, expected) => {
    expect(parse('string', input)).toBe(expected)
  })

  it('string rejects lists and maps', () => {
    expect(parseError('string', ['a'])).toBe(
      `${prefix}'' expected type 'string', got unconvertible type '[]interface {}'`,
    )
    expect(parseError('string', { a: 1 })).toBe(
      `${prefix}'' expected type 'string', got unconvertible type 'map[string]interface {}'`,
    )
  })

  it('lowerCaseString lower-cases', () => {
    expect(parse('lowerCaseString', 'BaR')).toBe('bar')
    expect(parse('lowerCaseString', 42)).toBe('42')
    expect(parseError('lowerCaseString', {})).toBe(
      `${prefix}'' expected type 'string', got unconvertible type 'map[string]interface {}'`,
    )
  })

  it.each(['bar', 'bar.baz-bay123', 'a', 'a_b', 'A1'])('nameString accepts %j', (input) => {
    expect(parse('nameString', input)).toBe(input)
  })

  it.each(['bar baz', '.barbaz', 'barbaz-', '', 'a/b', null])('nameString rejects %j', (input) => {
    expect(parseError('nameString', input)).toBe(`${prefix}field does not match the formatting rules`)
  })
})

describe('numbers', () => {
  it.each([
    [42, 42],
    ['42', 42],
    [-7, -7],
    ['-7', -7],
    ['+7', 7],
    ['', 0],
    [null, 0],
    [true, 1],
    [false, 0],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['010', 8],
    ['1_000', 1000],
    [42.0, 42],
  ])('int %j → %d', (input, expected) => {
    expect(parse('int', input)).toBe(expected)
    expect(parse('int64', input)).toBe(expected)
  })

  it.each([
    [1.5, 'invalid syntax'],
    ['1.5', 'invalid syntax'],
    ['x', 'invalid syntax'],
    [' 1', 'invalid syntax'],
    ['08', 'invalid syntax'],
    ['1__0', 'invalid syntax'],
    ['_1', 'invalid syntax'],
    ['99999999999999999999', 'value out of range'],
    ['9223372036854775808', 'value out of range'],
  ])('int rejects %j', (input, reason) => {
    expect(parseError('int', input)).toBe(
      `${prefix}'' cannot parse value as 'int': strconv.ParseInt: ${reason}`,
    )
    expect(parseError('int64', input)).toBe(
      `${prefix}'' cannot parse value as 'int64': strconv.ParseInt: ${reason}`,
    )
  })

  it('int rejects lists and maps', () => {
    expect(parseError('int', [1])).toBe(
      `${prefix}'' expected type 'int', got unconvertible type '[]interface {}'`,
    )
    expect(parseError('int64', {})).toBe(
      `${prefix}'' expected type 'int64', got unconvertible type 'map[string]interface {}'`,
    )
  })

  it.each([
    ['1234567.891234567', 1234567.891234567],
    ['-1234567.891234567', -1234567.891234567],
    [1234567, 1234567],
    [1.5, 1.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['', 0],
    [true, 1],
    ['0x1p-2', 0.25],
    ['inf', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('float %j → %d', (input, expected) => {
    expect(parse('float', input)).toBe(expected)
  })

  it('float NaN and errors', () => {
    expect(parse('float', 'NaN')).toBeNaN()
    expect(parseError('float', 'invalid0.0')).toBe(
      `${prefix}'' cannot parse value as 'float64': strconv.ParseFloat: invalid syntax`,
    )
    expect(parseError('float', '1e400')).toBe(
      `${prefix}'' cannot parse value as 'float64': strconv.ParseFloat: value out of range`,
    )
    expect(parseError('float', [])).toBe(
      `${prefix}'' expected type 'float64', got unconvertible type '[]interface {}'`,
    )
  })
})

describe('bool', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['t', true],
    ['T', true],
    ['1', true],
    [1, true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['f', false],
    ['F', false],
    ['0', false],
    [0, false],
    ['', false],
    [null, false],
  ])('%j → %j', (input, expected) => {
    expect(parse('bool', input)).toBe(expected)
  })

  it.each(['yes', 'tRUE', 2, 'on'])('rejects %j', (input) => {
    expect(parseError('bool', input)).toBe(
      `${prefix}'' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`,
    )
  })

  it('rejects maps', () => {
    expect(parseError('bool', {})).toBe(
      `${prefix}'' expected type 'bool', got unconvertible type 'map[string]interface {}'`,
    )
  })
})

describe('durations', () => {
  it.each([
    ['42', 42],
    ['42m', 2520],
    [42, 42],
    [0, 0],
    ['1h30m', 5400],
    ['7d', 604800],
    ['300ms', 0],
  ])('duration %j → %d', (input, expected) => {
    expect(parse('duration', input)).toBe(expected)
    expect(parse('signedDuration', input)).toBe(expected)
  })

  it.each([
    ['-42', -42],
    ['-42m', -2520],
    [-42, -42],
  ])('signedDuration %j → %d; duration rejects it', (input, expected) => {
    expect(parse('signedDuration', input)).toBe(expected)
    expect(parseError('duration', input)).toBe(`${prefix}cannot provide negative value '${expected}'`)
  })

  it('null is "not set": the default applies', () => {
    const data = new FieldData({ ttl: { type: 'duration', default: '1h' } }, { ttl: null })
    data.validate()
    expect(data.getOk('ttl')).toEqual([undefined, false])
    expect(data.get('ttl')).toBe(3600)
  })

  it('reports parse errors with Go wording', () => {
    expect(parseError('duration', 'abc')).toBe(`${prefix}time: invalid duration "abc"`)
    expect(parseError('signedDuration', 1.5)).toBe(`${prefix}time: missing unit in duration "1.5"`)
    expect(parseError('duration', true)).toBe(`${prefix}could not parse duration from input`)
  })
})

describe('slices', () => {
  it.each([
    ['', []],
    ['value1', ['value1']],
    ['value1,value2,value3', ['value1', 'value2', 'value3']],
    ['a,b, c ', ['a', 'b', 'c']],
    ['a,,b', ['a', '', 'b']],
    [['value1'], ['value1']],
    [
      [' a ', 1, true],
      ['a', '1', '1'],
    ],
    [[], []],
    [{}, []],
    [123, ['123']],
    [null, []],
  ])('commaStringSlice %j → %j', (input, expected) => {
    expect(parse('commaStringSlice', input)).toEqual(expected)
  })

  it('commaStringSlice rejects nested values', () => {
    expect(parseError('commaStringSlice', [{ a: 1 }, 'x', ['y']])).toBe(
      `${prefix}2 error(s) decoding:\n\n` +
        "* '[0]' expected type 'string', got unconvertible type 'map[string]interface {}'\n" +
        "* '[2]' expected type 'string', got unconvertible type '[]interface {}'",
    )
  })

  it.each([
    ['', []],
    ['abc', ['abc']],
    ['a,b', ['a,b']],
    [
      [123, 'abc'],
      ['123', 'abc'],
    ],
    [
      [' a ', null],
      ['a', ''],
    ],
    [true, ['1']],
    [[], []],
    [null, []],
  ])('stringSlice %j → %j', (input, expected) => {
    expect(parse('stringSlice', input)).toEqual(expected)
  })

  it('stringSlice rejects nested values', () => {
    expect(parseError('stringSlice', [['x']])).toBe(
      `${prefix}decoding failed due to the following error(s):\n\n` +
        "'[0]' expected type 'string', got unconvertible type '[]interface {}'",
    )
    expect(parseError('stringSlice', { a: 'b' })).toBe(
      `${prefix}decoding failed due to the following error(s):\n\n` +
        "'[0]' expected type 'string', got unconvertible type 'map[string]interface {}'",
    )
  })

  it.each([
    [1, [1]],
    ['1', [1]],
    ['1,2,3', [1, 2, 3]],
    ['', []],
    [['1'], [1]],
    [
      ['1', '2', '3'],
      [1, 2, 3],
    ],
    [
      [1, 2, 3],
      [1, 2, 3],
    ],
    [[], []],
    ['1,,2', [1, 0, 2]],
    [true, [1]],
    [null, []],
  ])('commaIntSlice %j → %j', (input, expected) => {
    expect(parse('commaIntSlice', input)).toEqual(expected)
  })

  it('commaIntSlice reports every bad element', () => {
    expect(parseError('commaIntSlice', '1, 2,x')).toBe(
      `${prefix}decoding failed due to the following error(s):\n\n` +
        "'[1]' cannot parse value as 'int': strconv.ParseInt: invalid syntax\n" +
        "'[2]' cannot parse value as 'int': strconv.ParseInt: invalid syntax",
    )
    expect(parseError('commaIntSlice', [{}])).toBe(
      `${prefix}decoding failed due to the following error(s):\n\n` +
        "'[0]' expected type 'int', got unconvertible type 'map[string]interface {}'",
    )
  })
})

describe('maps', () => {
  it.each([
    [{ child: true }, { child: true }],
    [{}, {}],
    [[], {}],
    [[{ a: 1 }, { b: 2 }], { a: 1, b: 2 }],
    [null, {}],
  ])('map %j → %j', (input, expected) => {
    expect(parse('map', input)).toEqual(expected)
  })

  it('map rejects scalars and lists of scalars', () => {
    expect(parseError('map', 'x')).toBe(
      `${prefix}'' expected type 'map[string]interface {}', got unconvertible type 'string'`,
    )
    expect(parseError('map', 5)).toBe(
      `${prefix}'' expected type 'map[string]interface {}', got unconvertible type 'json.Number'`,
    )
    expect(parseError('map', [{ a: 1 }, 'x'])).toBe(
      `${prefix}'[1]' expected type 'map[string]interface {}', got unconvertible type 'string'`,
    )
  })

  it.each([
    [
      { key1: 'value1', key2: 'value2', key3: 1 },
      { key1: 'value1', key2: 'value2', key3: '1' },
    ],
    [['key1=value1', 'key2=value2', 'key3=1'], { key1: 'value1', key2: 'value2', key3: '1' }],
    ['key1=value1', { key1: 'value1' }],
    [['a=b=c', 'd='], { a: 'b=c', d: '' }],
    [
      { t: true, n: null },
      { t: '1', n: '' },
    ],
    [[], {}],
    [null, {}],
  ])('kvPairs %j → %j', (input, expected) => {
    expect(parse('kvPairs', input)).toEqual(expected)
  })

  it.each([
    [['=value1', 'key2=value2'], 'invalid key pair "=value1"'],
    [['novalue'], 'invalid key pair "novalue"'],
    ['', 'invalid key pair ""'],
  ])('kvPairs rejects %j', (input, message) => {
    expect(parseError('kvPairs', input)).toBe(`${prefix}${message}`)
  })

  it('kvPairs rejects nested maps', () => {
    expect(parseError('kvPairs', { a: { b: 1 } })).toBe(
      `${prefix}decoding failed due to the following error(s):\n\n` +
        "'[0]' expected type 'string', got unconvertible type 'map[string]interface {}'",
    )
  })
})

describe('header', () => {
  it('accepts a map of strings and lists, canonicalizing names', () => {
    expect(
      parse('header', { 'content-type': 'text/json', accept: ['a', 'b'], 'x-n': 3, 'Guten Tag': '42' }),
    ).toEqual({
      'Content-Type': ['text/json'],
      Accept: ['a', 'b'],
      'X-N': ['3'],
      'Guten Tag': ['42'],
    })
  })

  it('accepts "Name:value" pairs, repeating names', () => {
    expect(parse('header', ['key1:value1', 'key2:value2', 'key3:1', 'key3:true'])).toEqual({
      Key1: ['value1'],
      Key2: ['value2'],
      Key3: ['1', 'true'],
    })
  })

  it('accepts a JSON string, plain or base64', () => {
    const json = '{"hello":"world","bonjour":["monde","dieu"], "Guten Tag": 42, "你好": ["10", 20, 3.14]}'
    const expected = {
      Hello: ['world'],
      Bonjour: ['monde', 'dieu'],
      'Guten Tag': ['42'],
      你好: ['10', '20', '3.14'],
    }
    expect(parse('header', json)).toEqual(expected)
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(json)))
    expect(parse('header', b64)).toEqual(expected)
  })

  it('empty and null give no headers', () => {
    expect(parse('header', [])).toEqual({})
    expect(parse('header', null)).toEqual({})
    expect(new FieldData({ h: { type: 'header' } }, {}).get('h')).toEqual({})
  })

  it.each([
    [['nocolon'], 'invalid key pair "nocolon"'],
    [[':v'], 'invalid key pair ":v"'],
    [5, 'invalid key pair ""'],
    [{ a: true }, 'unrecognized type for %!s(bool=true)'],
    [{ a: ['x', true] }, 'received non-string value for header key:a, val:[x %!s(bool=true)]'],
    ['', "'data' being decoded is nil"],
    ['[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('rejects %j', (input, message) => {
    expect(parseError('header', input)).toBe(`${prefix}${message}`)
  })
})

describe('time', () => {
  it.each([
    ['2021-12-11T09:08:07Z', '2021-12-11T09:08:07.000Z'],
    ['2021-12-11T09:08:07.123456789Z', '2021-12-11T09:08:07.123Z'],
    ['2021-12-11T09:08:07+02:00', '2021-12-11T07:08:07.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    [1700000000, '2023-11-14T22:13:20.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
  ])('%j → %s', (input, iso) => {
    expect((parse('time', input) as Date).toISOString()).toBe(iso)
  })

  it.each([
    ['2021-13-11T09:08:07+02:00', 'could not parse string as date and time'],
    ['2021-02-29T00:00:00Z', 'could not parse string as date and time'],
    ['2021-12-11 09:08:07Z', 'could not parse string as date and time'],
    ['yesterday', 'could not parse string as date and time'],
    [1.5, 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    [true, 'could not parse time from input type'],
    [[], 'could not parse time from input type'],
  ])('rejects %j', (input, message) => {
    expect(parseError('time', input)).toBe(`${prefix}${message}`)
  })

  it('unset and null give Go zero time', () => {
    expect((new FieldData({ t: { type: 'time' } }, {}).get('t') as Date).toISOString()).toBe(
      '0001-01-01T00:00:00.000Z',
    )
    const data = new FieldData({ t: { type: 'time' } }, { t: null })
    expect(data.getOk('t')).toEqual([undefined, false])
  })
})

describe('FieldData', () => {
  it('get falls back to the default, then the zero value', () => {
    const data = new FieldData(
      {
        a: { type: 'string', default: 'bar' },
        b: { type: 'string' },
        c: { type: 'int', default: 5 },
        d: { type: 'duration', default: '1h' },
        e: { type: 'commaStringSlice' },
        f: { type: 'map' },
        g: { type: 'bool' },
      },
      {},
    )
    expect(data.get('a')).toBe('bar')
    expect(data.get('b')).toBe('')
    expect(data.get('c')).toBe(5)
    expect(data.get('d')).toBe(3600)
    expect(data.get('e')).toEqual([])
    expect(data.get('f')).toEqual({})
    expect(data.get('g')).toBe(false)
  })

  it('an explicit null is set: zero value, not the default (as in Vault)', () => {
    const data = new FieldData({ a: { type: 'string', default: 'bar' } }, { a: null })
    expect(data.getOk('a')).toEqual(['', true])
    expect(data.get('a')).toBe('')
  })

  it('undefined counts as absent', () => {
    const data = new FieldData({ a: { type: 'string', default: 'bar' } }, { a: undefined })
    expect(data.getOk('a')).toEqual([undefined, false])
    expect(data.get('a')).toBe('bar')
  })

  it('getOk tells whether a field was set', () => {
    const data = new FieldData({ a: { type: 'bool' }, b: { type: 'bool' } }, { a: 'true' })
    expect(data.getOk('a')).toEqual([true, true])
    expect(data.getOk('b')).toEqual([undefined, false])
    expect(data.getOk('nope')).toEqual([undefined, false])
  })

  it('get on an undeclared field is a programmer error', () => {
    const data = new FieldData({ a: { type: 'string' } }, { nope: 1 })
    expect(() => data.get('nope')).toThrow(TypeError)
    expect(() => data.get('nope')).toThrow('field nope not in the schema')
    expect(() => data.getDefaultOrZero('nope')).toThrow(TypeError)
  })

  it('get throws the validation error for a bad value', () => {
    const data = new FieldData({ n: { type: 'int' } }, { n: 'x' })
    expect(() => data.get('n')).toThrow(InvalidRequestError)
  })

  it('validate stops at the first bad field, in input order, and ignores unknown fields', () => {
    const data = new FieldData(
      { a: { type: 'int' }, b: { type: 'bool' } },
      { unknown: { whatever: true }, b: 'nope', a: 'x' },
    )
    expect(() => data.validate()).toThrow(
      `error converting input for field "b": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`,
    )
  })

  it('validate does not echo the value', () => {
    const data = new FieldData({ secret: { type: 'int' } }, { secret: 's3cr3t-value' })
    expect(() => data.validate()).toThrow(InvalidRequestError)
    try {
      data.validate()
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cr3t-value')
    }
  })

  it('getFirst returns the first field that is set', () => {
    const data = new FieldData(
      { foo: { type: 'nameString' }, fizz: { type: 'nameString' }, cats: { type: 'string' } },
      { foo: 'bar', fizz: 'buzz' },
    )
    expect(data.getFirst('foo', 'fizz')).toEqual(['bar', true])
    expect(data.getFirst('fizz', 'foo')).toEqual(['buzz', true])
    expect(data.getFirst('cats')).toEqual([undefined, false])
  })

  it('validateRequiredFields', () => {
    const schema = { name: { type: 'string' as const, required: true } }
    expect(() => new FieldData(schema, {}).validateRequiredFields()).toThrow('missing required field "name"')
    expect(() => new FieldData(schema, { name: 'x' }).validateRequiredFields()).not.toThrow()
  })

  it('getDefaultOrZero ignores the input', () => {
    const data = new FieldData({ ttl: { type: 'duration', default: '1h' } }, { ttl: 5 })
    expect(data.getDefaultOrZero('ttl')).toBe(3600)
    expect(data.get('ttl')).toBe(5)
  })
})

describe('schema helpers', () => {
  it('fieldTypeName uses Vault names', () => {
    expect(fieldTypeName('string')).toBe('string')
    expect(fieldTypeName('lowerCaseString')).toBe('lowercase string')
    expect(fieldTypeName('nameString')).toBe('name string')
    expect(fieldTypeName('kvPairs')).toBe('keypair')
    expect(fieldTypeName('duration')).toBe('duration (sec)')
    expect(fieldTypeName('signedDuration')).toBe('duration (sec)')
    expect(fieldTypeName('commaIntSlice')).toBe('slice')
    expect(fieldTypeName('time')).toBe('time')
  })

  it('zero values are fresh for every type', () => {
    for (const t of FIELD_TYPES) expect(zeroValue(t)).not.toBeUndefined()
    const a = zeroValue('map') as Record<string, unknown>
    a.x = 1
    expect(zeroValue('map')).toEqual({})
  })

  it('defaultOrZero parses duration defaults and falls back to 0', () => {
    expect(defaultOrZero({ type: 'duration', default: '90s' })).toBe(90)
    expect(defaultOrZero({ type: 'duration', default: 'garbage' })).toBe(0)
    expect(defaultOrZero({ type: 'kvPairs', default: { a: 'b' } })).toEqual({ a: 'b' })
  })
})
