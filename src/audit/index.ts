/**
 * Audit devices: every request and response on the record, no secret in the clear, fail closed.
 * Runtime-neutral; the Node-only `file` device is in `./file.ts` (`vaultlet/audit/file`).
 *
 * @module
 */
export { AuditBroker, type AuditBrokerOptions, type AuditFailureKind } from './broker.js'
export { buildDevice, TEST_PROBE_PATH, writeProbe } from './device-setup.js'
export {
  type AuditCallback,
  type AuditWritable,
  callbackDeviceType,
  defaultAuditDeviceTypes,
  memoryDeviceType,
  registerDefaultAuditDeviceType,
  streamDeviceType,
} from './devices.js'
export {
  buildRequestEntry,
  buildResponseEntry,
  type EntryContext,
  type FormatterConfig,
  parseFormatterOptions,
  serializeEntry,
} from './format.js'
export { AuditSalt, clientId, type Hasher, HMAC_TYPE, hashData } from './hash.js'
export { AUDITED_HEADERS_PATH, type AuditedHeaderSettings, AuditedHeaders } from './headers.js'
export { toJsonx } from './jsonx.js'
export { auditErrorOf, isAuditedPath } from './pipeline.js'
export { WriteQueue } from './queue.js'
export { AUDIT_TABLE_PATH, AUDIT_VIEW_PREFIX, SALT_KEY, sanitizeAuditPath } from './table.js'
export { AuditTrail } from './trail.js'
export type * from './types.js'
