/**
 * Typed request fields, as Vault's `sdk/framework` declares and parses them (`FieldSchema`,
 * `FieldType`, `FieldData`).
 *
 * Values are coerced the way Vault coerces a JSON request body: Vault decodes JSON with `UseNumber` and
 * then runs mapstructure's weak decoding, so a JSON number behaves like its text (`42` and `"42"` are the
 * same int; `1.5` is not an int), a bool becomes `"1"`/`"0"` in a string field, and a single value is
 * lifted into a one-element list. Error messages keep Vault's wording; like current Vault they never echo
 * the offending value. The conversions themselves live in `weak-decode.ts`; this file maps field types
 * onto them.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import { goQuote, parseDuration } from './duration.js'
import {
  anyValue,
  decodeBool,
  decodeCommaStringSlice,
  decodeFloat,
  decodeHeader,
  decodeInt,
  decodeKVPairs,
  decodeMap,
  decodeMessage,
  decodeSlice,
  decodeString,
  decodeTime,
  numberText,
} from './weak-decode.js'

/**
 * A field's type, named after Vault's `framework.Type*` constants:
 *
 * | vaultlet | Vault | parsed value |
 * |---|---|---|
 * | `string` | `TypeString` | `string` |
 * | `lowerCaseString` | `TypeLowerCaseString` | `string`, lower-cased |
 * | `nameString` | `TypeNameString` | `string` matching `^\w(([\w-.]+)?\w)?$` |
 * | `int` / `int64` | `TypeInt` / `TypeInt64` | `number` |
 * | `float` | `TypeFloat` | `number` |
 * | `bool` | `TypeBool` | `boolean` |
 * | `duration` | `TypeDurationSecond` | `number` of seconds, never negative |
 * | `signedDuration` | `TypeSignedDurationSecond` | `number` of seconds |
 * | `stringSlice` | `TypeStringSlice` | `string[]` |
 * | `commaStringSlice` | `TypeCommaStringSlice` | `string[]`, also from `"a,b"` |
 * | `commaIntSlice` | `TypeCommaIntSlice` | `number[]`, also from `"1,2"` |
 * | `map` | `TypeMap` | `Record<string, unknown>` |
 * | `kvPairs` | `TypeKVPairs` | `Record<string, string>`, also from `["k=v"]` |
 * | `header` | `TypeHeader` | `Record<string, string[]>` with canonical names |
 * | `time` | `TypeTime` | `Date` (RFC 3339 or epoch seconds) |
 */
export type FieldType =
  | 'string'
  | 'int'
  | 'int64'
  | 'bool'
  | 'duration'
  | 'signedDuration'
  | 'commaStringSlice'
  | 'stringSlice'
  | 'commaIntSlice'
  | 'map'
  | 'kvPairs'
  | 'lowerCaseString'
  | 'nameString'
  | 'header'
  | 'time'
  | 'float'

/**
 * Every {@link FieldType}, for validating schemas.
 *
 * @example
 * ```ts
 * FIELD_TYPES.includes('duration') // true
 * ```
 */
export const FIELD_TYPES: readonly FieldType[] = Object.freeze([
  'string',
  'int',
  'int64',
  'bool',
  'duration',
  'signedDuration',
  'commaStringSlice',
  'stringSlice',
  'commaIntSlice',
  'map',
  'kvPairs',
  'lowerCaseString',
  'nameString',
  'header',
  'time',
  'float',
])

/**
 * Describes one field of a path (Vault's `FieldSchema`).
 *
 * @example
 * ```ts
 * const ttl: FieldSchema = { type: 'duration', default: '1h', description: 'Lease TTL.' }
 * ```
 */
export interface FieldSchema {
  type: FieldType
  description?: string
  /** Returned when the field is not set. Durations may be given as `'1h'`; other defaults are used as-is. */
  default?: unknown
  /** Documentation only, as in Vault: not enforced. */
  allowedValues?: unknown[]
  /** Shown in help as `(DEPRECATED)`. */
  deprecated?: boolean
  /** Documentation only, as in Vault: handlers check presence with `getOk`. */
  required?: boolean
  /** Documentation only: the field is sent in the query string. */
  query?: boolean
}

/**
 * Vault's display name for a field type (`FieldType.String()`), as shown in path help.
 *
 * @example
 * ```ts
 * fieldTypeName('duration') // 'duration (sec)'
 * fieldTypeName('kvPairs')  // 'keypair'
 * ```
 */
export function fieldTypeName(type: FieldType): string {
  switch (type) {
    case 'lowerCaseString':
      return 'lowercase string'
    case 'nameString':
      return 'name string'
    case 'kvPairs':
      return 'keypair'
    case 'duration':
    case 'signedDuration':
      return 'duration (sec)'
    case 'stringSlice':
    case 'commaStringSlice':
    case 'commaIntSlice':
      return 'slice'
    case 'string':
    case 'int':
    case 'int64':
    case 'bool':
    case 'map':
    case 'header':
    case 'time':
    case 'float':
      return type
    default:
      return 'unknown type'
  }
}

/** Go's zero `time.Time`: 0001-01-01T00:00:00Z. */
const ZERO_TIME_MS = -62135596800000

/**
 * The zero value of a field type, fresh on every call: `''`, `0`, `false`, `[]`, `{}`, or
 * `0001-01-01T00:00:00Z` for `time`.
 *
 * @example
 * ```ts
 * zeroValue('commaStringSlice') // []
 * zeroValue('duration')         // 0
 * ```
 */
export function zeroValue(type: FieldType): unknown {
  switch (type) {
    case 'string':
    case 'lowerCaseString':
    case 'nameString':
      return ''
    case 'int':
    case 'int64':
    case 'float':
    case 'duration':
    case 'signedDuration':
      return 0
    case 'bool':
      return false
    case 'stringSlice':
    case 'commaStringSlice':
    case 'commaIntSlice':
      return []
    case 'map':
    case 'kvPairs':
    case 'header':
      return {}
    case 'time':
      return new Date(ZERO_TIME_MS)
    default:
      throw new TypeError(`unknown field type ${goQuote(String(type))}`)
  }
}

/**
 * The schema's default, else the type's zero value (Vault's `DefaultOrZero`). Duration defaults are
 * parsed (`'1h'` → 3600); an unparseable duration default yields 0.
 *
 * @example
 * ```ts
 * defaultOrZero({ type: 'duration', default: '1h' }) // 3600
 * defaultOrZero({ type: 'string' })                  // ''
 * ```
 */
export function defaultOrZero(schema: FieldSchema): unknown {
  if (schema.default !== undefined && schema.default !== null) {
    if (schema.type === 'duration' || schema.type === 'signedDuration') {
      try {
        return parseDuration(schema.default)
      } catch {
        return 0
      }
    }
    return schema.default
  }
  return zeroValue(schema.type)
}

/** Vault's `TypeNameString` rule. */
const NAME_REGEX = /^\w(([\w\-.]+)?\w)?$/

/**
 * Parses one raw value as Vault's `FieldData.getPrimitive` does.
 *
 * @returns `[value, set]`; `set` is false only for a `null` duration or time (Vault treats those as unset).
 * @throws {Error} with Vault's wording for the failure, without the field name.
 */
function parsePrimitive(type: FieldType, raw: unknown): [unknown, boolean] {
  const isNil = raw === null || raw === undefined
  try {
    switch (type) {
      case 'bool':
        return [isNil ? false : decodeBool('', raw), true]
      case 'int':
      case 'int64':
        return [isNil ? 0 : decodeInt('', raw, type), true]
      case 'float':
        return [isNil ? 0 : decodeFloat('', raw), true]
      case 'string':
        return [isNil ? '' : decodeString('', raw), true]
      case 'lowerCaseString':
        return [isNil ? '' : decodeString('', raw).toLowerCase(), true]
      case 'nameString': {
        const s = isNil ? '' : decodeString('', raw)
        if (!NAME_REGEX.test(s)) throw new Error('field does not match the formatting rules')
        return [s, true]
      }
      case 'map':
        return [isNil ? {} : decodeMap('', raw, {}, anyValue, 'map[string]interface {}'), true]
      case 'duration':
      case 'signedDuration': {
        if (isNil) return [undefined, false]
        const seconds = parseDuration(raw)
        if (type === 'duration' && seconds < 0) throw new Error(`cannot provide negative value '${seconds}'`)
        return [seconds, true]
      }
      case 'time':
        if (isNil) return [undefined, false]
        return [decodeTime(raw), true]
      case 'commaIntSlice': {
        let input = raw
        if (typeof input === 'number' || typeof input === 'bigint') input = numberText(input)
        if (input === '') return [[], true]
        if (typeof input === 'string') input = input.split(',')
        return [decodeSlice('', input, (n, el) => decodeInt(n, el, 'int'), 0), true]
      }
      case 'stringSlice':
        if (raw === '') return [[], true]
        return [decodeSlice('', raw, decodeString, '').map((s) => s.trim()), true]
      case 'commaStringSlice':
        return [decodeCommaStringSlice(raw), true]
      case 'kvPairs':
        return [isNil ? {} : decodeKVPairs(raw), true]
      case 'header':
        return [isNil ? {} : decodeHeader(raw), true]
      default:
        throw new TypeError(`unknown field type ${goQuote(String(type))}`)
    }
  } catch (e) {
    if (e instanceof TypeError) throw e
    throw new Error(decodeMessage(e))
  }
}

function hasValue(raw: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(raw, name) && raw[name] !== undefined
}

/**
 * A request's fields, parsed against a path's schema (Vault's `FieldData`). Handlers read typed values
 * with {@link FieldData.get}; the framework calls {@link FieldData.validate} before the handler runs.
 *
 * @example
 * ```ts
 * const data = new FieldData(
 *   { ttl: { type: 'duration', default: '1h' }, name: { type: 'nameString' } },
 *   { name: 'web', ttl: '30m' },
 * )
 * data.validate()
 * data.get<number>('ttl')   // 1800
 * data.getOk('name')        // ['web', true]
 * ```
 */
export class FieldData {
  /** The raw input: request body or query, plus path captures. */
  readonly raw: Record<string, unknown>
  /** The path's field schema. */
  readonly schema: Record<string, FieldSchema>

  constructor(schema: Record<string, FieldSchema>, raw: Record<string, unknown>) {
    this.schema = schema
    this.raw = raw
  }

  /**
   * Parses every provided field that the schema declares; fields outside the schema are ignored here.
   *
   * @example
   * ```ts
   * new FieldData({ n: { type: 'int' } }, { n: 'x' }).validate()
   * // throws: error converting input for field "n": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax
   * ```
   * @throws {InvalidRequestError} on the first bad field, as
   *   `error converting input for field "<name>": <reason>`.
   */
  validate(): void {
    for (const name of Object.keys(this.raw)) {
      const schema = this.schema[name]
      if (!schema || !hasValue(this.raw, name)) continue
      this.parse(name, schema)
    }
  }

  /**
   * Checks that every field marked `required` is present (Vault's `ValidateRequiredFields`).
   *
   * @example
   * ```ts
   * new FieldData({ name: { type: 'string', required: true } }, {}).validateRequiredFields()
   * // throws: missing required field "name"
   * ```
   * @throws {InvalidRequestError} `missing required field "<name>"`.
   */
  validateRequiredFields(): void {
    for (const [name, schema] of Object.entries(this.schema)) {
      if (schema.required && !hasValue(this.raw, name)) {
        throw new InvalidRequestError(`missing required field ${goQuote(name)}`)
      }
    }
  }

  /**
   * The field's parsed value, else its default, else its type's zero value.
   *
   * @example
   * ```ts
   * new FieldData({ n: { type: 'int', default: 5 } }, {}).get<number>('n') // 5
   * ```
   * @throws {TypeError} if `name` is not in the schema (a programmer error; Vault panics).
   * @throws {InvalidRequestError} if the value cannot be parsed (call `validate()` first).
   */
  get<T = unknown>(name: string): T {
    const schema = this.schema[name]
    if (!schema) throw new TypeError(`field ${name} not in the schema`)
    const [value, ok] = this.getOk<T>(name)
    return (ok && value !== undefined ? value : defaultOrZero(schema)) as T
  }

  /**
   * The field's parsed value and whether it was set in the input. Unset fields give
   * `[undefined, false]`, as do names outside the schema.
   *
   * @example
   * ```ts
   * const d = new FieldData({ a: { type: 'bool' }, b: { type: 'bool' } }, { a: 'true' })
   * d.getOk('a') // [true, true]
   * d.getOk('b') // [undefined, false]
   * ```
   * @throws {InvalidRequestError} if the value cannot be parsed.
   */
  getOk<T = unknown>(name: string): [T | undefined, boolean] {
    const schema = this.schema[name]
    if (!schema || !hasValue(this.raw, name)) return [undefined, false]
    const [value, ok] = this.parse(name, schema)
    if (!ok) return [undefined, false]
    return [value as T, true]
  }

  /**
   * The first of `names` that is set, e.g. a field and its deprecated alias (Vault's `GetFirst`).
   *
   * @example
   * ```ts
   * data.getFirst<number>('token_ttl', 'ttl') // [3600, true]
   * ```
   */
  getFirst<T = unknown>(...names: string[]): [T | undefined, boolean] {
    for (const name of names) {
      const result = this.getOk<T>(name)
      if (result[1]) return result
    }
    return [undefined, false]
  }

  /**
   * The field's default, else its type's zero value, ignoring the input.
   *
   * @example
   * ```ts
   * new FieldData({ ttl: { type: 'duration', default: '1h' } }, { ttl: 5 }).getDefaultOrZero('ttl') // 3600
   * ```
   * @throws {TypeError} if `name` is not in the schema.
   */
  getDefaultOrZero<T = unknown>(name: string): T {
    const schema = this.schema[name]
    if (!schema) throw new TypeError(`field ${name} not in the schema`)
    return defaultOrZero(schema) as T
  }

  private parse(name: string, schema: FieldSchema): [unknown, boolean] {
    try {
      return parsePrimitive(schema.type, this.raw[name])
    } catch (e) {
      if (e instanceof TypeError) throw e
      throw new InvalidRequestError(
        `error converting input for field ${goQuote(name)}: ${(e as Error).message}`,
        { cause: e },
      )
    }
  }
}
