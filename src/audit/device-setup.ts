/**
 * Building a device from its table entry, and Vault's test probe: the steps `enable` and unseal share.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError, VaultError } from '../errors.js'
import { goQuote } from '../framework/duration.js'
import { rfc3339, uuid } from '../util/encoding.js'
import { buildRequestEntry, type FormatterConfig, parseFormatterOptions, serializeEntry } from './format.js'
import { AuditSalt } from './hash.js'
import type { AuditDevice, AuditDeviceFactory, AuditTableEntry } from './types.js'

/** Vault's path for the probe entry written to a new device before it is enabled. */
export const TEST_PROBE_PATH = 'sys/audit/test'

/**
 * Builds the device of a table entry with its type's factory. Any error becomes a 400 with the
 * factory's message (Vault's `handleError`), `unknown backend type: "x"` for an unregistered type.
 *
 * @example
 * ```ts
 * const { device, config } = await buildDevice(types, entry)
 * ```
 * @throws {InvalidRequestError} as described.
 */
export async function buildDevice(
  types: ReadonlyMap<string, AuditDeviceFactory>,
  entry: AuditTableEntry,
): Promise<{ device: AuditDevice; config: FormatterConfig }> {
  const factory = types.get(entry.type)
  if (!factory) throw new InvalidRequestError(`unknown backend type: ${goQuote(entry.type)}`)
  const config = parseFormatterOptions(entry.options)
  try {
    const device = await factory({
      path: entry.path,
      type: entry.type,
      options: { ...entry.options },
      format: config.format,
    })
    if (!device || typeof device.write !== 'function') {
      throw new InvalidRequestError(`nil audit backend of type ${goQuote(entry.type)} returned from factory`)
    }
    return { device, config }
  } catch (err) {
    if (err instanceof VaultError) throw err
    throw new InvalidRequestError(err instanceof Error ? err.message : String(err), { cause: err })
  }
}

/**
 * Vault's test message (`LogTestMessage`): a request entry for `sys/audit/test`, HMAC'd with a
 * throw-away salt, written to a device before it is enabled.
 *
 * @example
 * ```ts
 * await writeProbe(device, config, crypto, clock)
 * ```
 * @throws {InvalidRequestError} `audit backend failed test message: <reason>`.
 */
export async function writeProbe(
  device: AuditDevice,
  config: FormatterConfig,
  crypto: CryptoProvider,
  clock: Clock,
): Promise<void> {
  const salt = new AuditSalt(crypto, uuid())
  const entry = buildRequestEntry(
    { id: uuid(), operation: 'update', path: TEST_PROBE_PATH },
    config,
    (v) => salt.hash(v),
    { time: rfc3339(clock.now()), clientId: '' },
  )
  try {
    await device.write([{ type: 'request', entry, line: serializeEntry(entry, config) }])
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new InvalidRequestError(`audit backend failed test message: ${message}`, { cause: err })
  } finally {
    salt.wipe()
  }
}
