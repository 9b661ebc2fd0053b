/**
 * `sign/:name(/:hash_algorithm)` and `verify/:name(/:hash_algorithm)` (Vault's `path_sign_verify.go`,
 * Community Edition rules): ECDSA and RSA sign a digest of the input (or the input itself when
 * `prehashed`), Ed25519 signs the input (pure Ed25519 only). `verify` also serves HMACs.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import { decodeStringMaps } from './batch.js'
import type { TransitContext } from './context.js'
import {
  decodingError,
  errorResponse,
  goTypeName,
  isTransitError,
  serverError,
  TransitUserError,
} from './errors.js'
import { decodeStd, encodeStd } from './go-base64.js'
import { hmacVerify } from './hmac.js'
import {
  type HashType,
  hashesSignatureInput,
  type Marshaling,
  parseHashType,
  supportsSigning,
} from './key-types.js'
import type { Policy } from './policy.js'
import { type SigningOptions, sign, verifySignature } from './signatures.js'

const DEFAULT_HASH = 'sha2-256'

/** The request-wide arguments (Vault's `commonSignVerifyApiArgs`). */
interface ApiArgs {
  name: string
  hash: HashType
  marshaling: Marshaling
  prehashed: boolean
  sigAlgorithm: string
  saltLength: number
}

/** Vault's `getSaltLength`: `auto` = 0, `hash` = -1, or an integer ≥ -1. */
function saltLengthOf(raw: string): number {
  const lower = raw.toLowerCase()
  if (lower === 'auto') return 0
  if (lower === 'hash') return -1
  if (!/^[+-]?\d+$/.test(lower)) throw new Error(`salt length neither 'auto', 'hash', nor an int: ${raw}`)
  const n = Number(lower)
  if (n < -1) throw new Error(`salt length is invalid: ${n}`)
  return n
}

/** Vault's `getCommonSignVerifyApiArgs`: URL algorithm, then `hash_algorithm` (default sha2-256). */
function apiArgs(d: FieldData): ApiArgs {
  let hashName = d.get<string>('urlalgorithm')
  if (hashName === '') hashName = d.get<string>('hash_algorithm')
  if (hashName === '') hashName = d.get<string>('algorithm')
  if (hashName === '') hashName = DEFAULT_HASH
  const hash = parseHashType(hashName)
  if (!hash) throw errorResponse(`invalid hash algorithm ${JSON.stringify(hashName)}`)
  const marshaling = d.get<string>('marshaling_algorithm')
  if (marshaling !== 'asn1' && marshaling !== 'jws') {
    throw errorResponse(`invalid marshaling type ${JSON.stringify(marshaling)}`)
  }
  let saltLength: number
  try {
    saltLength = saltLengthOf(d.get<string>('salt_length'))
  } catch (e) {
    throw errorResponse((e as Error).message)
  }
  return {
    name: d.get<string>('name'),
    hash,
    marshaling,
    prehashed: d.get<boolean>('prehashed'),
    sigAlgorithm: d.get<string>('signature_algorithm'),
    saltLength,
  }
}

/** Vault CE's `validateCommonSignVerifyApiArgs`. */
function validateArgs(p: Policy, args: ApiArgs): void {
  if (!supportsSigning(p.type)) throw errorResponse(`key type ${p.type} does not support signing`)
  if (args.hash === 'none' && (!args.prehashed || args.sigAlgorithm !== 'pkcs1v15')) {
    throw errorResponse('hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15')
  }
}

/** Vault CE's `_forbidEd25519EntBehavior` (Ed25519ph and Ed25519ctx are Enterprise features). */
function forbidEd25519Variants(p: Policy, args: ApiArgs, signatureContext: string): void {
  if (p.type !== 'ed25519') return
  if (args.prehashed) throw new Error('only Pure Ed25519 signatures supported, prehashed must be false')
  // Vault's wording, typo included.
  if (args.hash === 'sha2-512')
    throw new Error('only Pure Ed25519 signatures supported, hash_alogithm should not be set')
  if (signatureContext !== '')
    throw new Error('only Pure Ed25519 signatures supported, signature_context must be empty')
}

/** The signed input: a digest of the input for ECDSA/RSA unless prehashed, else the input. */
function signedInput(ctx: TransitContext, p: Policy, args: ApiArgs, input: Uint8Array): Uint8Array {
  if (hashesSignatureInput(p.type) && !args.prehashed && args.hash !== 'none') {
    return ctx.crypto.digest(args.hash, input)
  }
  return input
}

function signingOptions(p: Policy, args: ApiArgs, input: Uint8Array): SigningOptions {
  return {
    hash: args.hash,
    marshaling: args.marshaling,
    saltLength: args.saltLength,
    sigAlgorithm: args.sigAlgorithm,
    ...(hashesSignatureInput(p.type) && !args.prehashed ? { message: input } : {}),
  }
}

const SHARED_FIELDS = {
  name: { type: 'string', description: 'The key to use' },
  context: {
    type: 'string',
    description:
      'Base64 encoded context for key derivation. Required if key derivation is enabled; currently only available with ed25519 keys.',
  },
  signature_context: {
    type: 'string',
    description:
      'Base64 encoded context for Ed25519ph and Ed25519ctx signatures. Currently only available with Ed25519 keys. (Enterprise Only)',
  },
  input: { type: 'string', description: 'The base64-encoded input data' },
  hash_algorithm: {
    type: 'string',
    default: DEFAULT_HASH,
    description:
      'Hash algorithm to use (POST body parameter): sha1, sha2-224, sha2-256, sha2-384, sha2-512, sha3-224, sha3-256, sha3-384, sha3-512 or none.',
  },
  algorithm: {
    type: 'string',
    default: DEFAULT_HASH,
    description: 'Deprecated: use "hash_algorithm" instead.',
  },
  urlalgorithm: { type: 'string', description: 'Hash algorithm to use (POST URL parameter)' },
  prehashed: { type: 'bool', description: "Set to 'true' when the input is already hashed." },
  signature_algorithm: {
    type: 'string',
    description:
      "The signature algorithm to use: 'pss' (default) or 'pkcs1v15'. Currently only applies to RSA key types.",
  },
  marshaling_algorithm: {
    type: 'string',
    default: 'asn1',
    description: "The method by which to marshal the signature: 'asn1' (default) or 'jws'.",
  },
  salt_length: {
    type: 'string',
    default: 'auto',
    description: "The salt length used to sign (RSA PSS): 'auto', 'hash', or an integer.",
  },
} as const

/** `sign/:name(/:hash_algorithm)`. */
export function pathSign(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `sign/${genericNameRegex('name')}${optionalParamRegex('urlalgorithm')}`,
    fields: {
      ...SHARED_FIELDS,
      key_version: {
        type: 'int',
        description:
          'The version of the key to use for signing. Must be 0 (for latest) or a value greater than or equal to the min_encryption_version configured on the key.',
      },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    operations: {
      update: {
        summary: 'Generate a signature for input data using the named key',
        handler: (req, d) => signHandler(ctx, req, d),
      },
    },
    synopsis: 'Generate a signature for input data using the named key',
    description: 'Generates a signature of the input data using the named key and the given hash algorithm.',
  })
}

interface SignResult {
  signature?: string
  key_version: number
  publickey?: string
  error?: string
  /** Vault's `err` beside `Error`: `invalid` answers 400, `internal` 500. */
  kind?: 'invalid' | 'internal'
  message?: string
  reference: string
}

async function signHandler(ctx: TransitContext, req: LogicalRequest, d: FieldData): Promise<LogicalResponse> {
  const args = apiArgs(d)
  const keyVersion = d.get<number>('key_version')
  const p = await ctx.keys.get(req.storage, args.name)
  if (!p) throw errorResponse('signing key not found')
  validateArgs(p, args)
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: Record<string, string>[]
  if (isBatch) {
    items = decodeStringMaps(batchRaw)
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    items = [{ input: d.get<string>('input'), context: d.get<string>('context') }]
    const [sigContext, has] = d.getOk<string>('signature_context')
    if (has) items[0]!.signature_context = sigContext!
  }
  const results: SignResult[] = []
  for (const item of items) {
    const result: SignResult = { key_version: 0, reference: item.reference ?? '' }
    results.push(result)
    let input: Uint8Array
    let context: Uint8Array
    try {
      if (item.input === undefined) throw new Error('missing input')
      try {
        input = decodeStd(item.input)
      } catch (e) {
        throw new Error(`unable to decode input: ${(e as Error).message}`)
      }
      try {
        context = decodeStd(item.context ?? '')
      } catch {
        throw new Error('failed to base64-decode context')
      }
      try {
        forbidEd25519Variants(p, args, item.signature_context ?? '')
      } catch (e) {
        throw new Error(`failed to parse batch item: ${(e as Error).message}`)
      }
    } catch (e) {
      result.error = (e as Error).message
      result.kind = 'invalid'
      continue
    }
    try {
      const signed = await sign(
        p,
        ctx.crypto,
        keyVersion,
        context,
        signedInput(ctx, p, args, input),
        signingOptions(p, args, input),
      )
      result.signature = signed.signature
      if (signed.publicKey) result.publickey = encodeStd(signed.publicKey)
      result.key_version = keyVersion === 0 ? p.latestVersion : keyVersion
    } catch (e) {
      if (!isTransitError(e) && !(e instanceof RangeError)) throw e
      // Vault reports a failed signature in the item only for batches; a single request fails with it.
      if (isBatch) result.error = e.message
      result.kind = 'internal'
      result.message = e.message
    }
  }
  if (isBatch) {
    return {
      data: {
        batch_results: results.map((r) => ({
          ...(r.signature ? { signature: r.signature } : {}),
          key_version: r.key_version,
          ...(r.publickey ? { publickey: r.publickey } : {}),
          ...(r.error ? { error: r.error } : {}),
          reference: r.reference,
        })),
      },
    }
  }
  const only = results[0]!
  if (only.error) throw errorResponse(only.error)
  if (only.kind === 'internal') throw serverError(only.message ?? 'signature could not be computed')
  return {
    data: {
      key_version: only.key_version,
      ...(only.publickey ? { public_key: only.publickey } : {}),
      signature: only.signature,
    },
  }
}

/** `verify/:name(/:hash_algorithm)`. */
export function pathVerify(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `verify/${genericNameRegex('name')}${optionalParamRegex('urlalgorithm')}`,
    fields: {
      ...SHARED_FIELDS,
      signature: { type: 'string', description: 'The signature, including vault header/key version' },
      hmac: { type: 'string', description: 'The HMAC, including vault header/key version' },
      cmac: { type: 'string', description: 'The CMAC, including vault header/key version (Enterprise only)' },
      mac_length: { type: 'int', description: 'MAC length to use (POST body parameter).' },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    operations: {
      update: {
        summary: 'Verify a signature or HMAC for input data created using the named key',
        handler: (req, d) => verifyHandler(ctx, req, d),
      },
    },
    synopsis: 'Verify a signature or HMAC for input data created using the named key',
    description:
      'Verifies a signature or HMAC of the input data using the named key and the given hash algorithm.',
  })
}

/** Vault's `getVerifyBatchItems`. */
function verifyItems(d: FieldData): { items: Record<string, unknown>[]; isBatch: boolean } {
  const raw = d.raw.batch_input
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw)) {
      throw errorResponse(
        `failed to parse batch input: source data must be an array or slice, got ${goTypeName(raw)}`,
      )
    }
    const bad = raw.flatMap((e, i) =>
      typeof e === 'object' && e !== null && !Array.isArray(e)
        ? []
        : [`'[${i}]' expected a map, got '${goTypeName(e)}'`],
    )
    if (bad.length > 0) throw errorResponse(`failed to parse batch input: ${decodingError(bad)}`)
    if (raw.length === 0) throw errorResponse('failed to parse batch input: missing batch input to process')
    return { items: raw as Record<string, unknown>[], isBatch: true }
  }
  const item: Record<string, unknown> = { input: d.get<string>('input') }
  for (const k of ['signature', 'hmac', 'cmac'] as const) {
    const [v, ok] = d.getOk<string>(k)
    if (ok) item[k] = v
  }
  item.context = d.get<string>('context')
  const [sigContext, has] = d.getOk<string>('signature_context')
  if (has) item.signature_context = sigContext
  return { items: [item], isBatch: false }
}

/** parseutil.ParseString: strings as is, numbers and booleans as text. */
function parseString(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw new Error(`could not parse '${goTypeName(v)}' as string`)
}

async function verifyHandler(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
): Promise<LogicalResponse> {
  const { items, isBatch } = verifyItems(d)
  let sigFound = false
  let hmacFound = false
  let cmacFound = false
  let missing = false
  for (const v of items) {
    if (Object.hasOwn(v, 'signature')) sigFound = true
    else if (Object.hasOwn(v, 'hmac')) hmacFound = true
    else if (Object.hasOwn(v, 'cmac')) cmacFound = true
    else missing = true
  }
  const optionsSet = [sigFound, hmacFound, cmacFound].filter(Boolean).length
  if (!isBatch && optionsSet > 1) throw errorResponse("provide one of 'signature', 'hmac' or 'cmac'")
  if (!isBatch && optionsSet === 0)
    throw errorResponse("missing one of 'signature', 'hmac' or 'cmac' arguments to verify")
  if (optionsSet > 1)
    throw errorResponse("elements of batch_input must all provide either 'signature', 'hmac' or 'cmac'")
  if (missing && sigFound) throw errorResponse("some elements of batch_input are missing 'signature'")
  if (missing && hmacFound) throw errorResponse("some elements of batch_input are missing 'hmac'")
  if (missing && cmacFound) throw errorResponse("some elements of batch_input are missing 'cmac'")
  if (optionsSet === 0) throw errorResponse("no batch_input elements have 'signature', 'hmac' or 'cmac'")
  if (hmacFound) return hmacVerify(ctx, req, d)
  if (cmacFound) throw errorResponse('enterprise specific key type "cmac" can not be used on CE')
  const args = apiArgs(d)
  const p = await ctx.keys.get(req.storage, args.name)
  if (!p) throw errorResponse('signature verification key not found')
  validateArgs(p, args)
  const results: {
    valid: boolean
    error?: string
    kind?: 'invalid' | 'internal'
    message?: string
    reference: string
  }[] = []
  for (const item of items) {
    let reference = ''
    try {
      reference = parseString(item.reference)
    } catch {
      // Vault copies a reference only when it parses as a string.
    }
    const result: (typeof results)[number] = { valid: false, reference }
    results.push(result)
    let input: Uint8Array
    let signature: string
    let context: Uint8Array
    try {
      try {
        input = decodeStd(parseString(item.input))
      } catch (e) {
        throw new Error(`failed to parse input: ${(e as Error).message}`)
      }
      if (!Object.hasOwn(item, 'signature')) throw new Error('missing signature')
      try {
        signature = parseString(item.signature)
      } catch (e) {
        throw new Error(`failed to parse signature as a string: ${(e as Error).message}`)
      }
      try {
        context = decodeStd(parseString(item.context))
      } catch (e) {
        throw new Error(`failed to parse context: ${(e as Error).message}`)
      }
      const sigContext = item.signature_context
      if (sigContext !== undefined && typeof sigContext !== 'string') {
        throw new Error(
          `failed to parse batch item: expected string for key="signature_context", got=${JSON.stringify(sigContext)}`,
        )
      }
      try {
        forbidEd25519Variants(p, args, sigContext ?? '')
      } catch (e) {
        throw new Error(`failed to parse batch item: ${(e as Error).message}`)
      }
    } catch (e) {
      result.error = `failed to parse item: ${(e as Error).message}`
      result.kind = 'invalid'
      continue
    }
    try {
      result.valid = await verifySignature(
        p,
        ctx.crypto,
        context,
        signedInput(ctx, p, args, input),
        signature,
        signingOptions(p, args, input),
      )
    } catch (e) {
      if (!isTransitError(e)) throw e
      if (e instanceof TransitUserError) {
        result.error = e.message
        result.kind = 'invalid'
      } else {
        if (isBatch) result.error = e.message
        result.kind = 'internal'
        result.message = e.message
      }
    }
  }
  if (isBatch) {
    return {
      data: {
        batch_results: results.map((r) => ({
          valid: r.valid,
          ...(r.error ? { error: r.error } : {}),
          reference: r.reference,
        })),
      },
    }
  }
  const only = results[0]!
  if (only.kind === 'invalid') throw errorResponse(only.error!)
  if (only.kind === 'internal') throw serverError(only.message!)
  return { data: { valid: only.valid } }
}
