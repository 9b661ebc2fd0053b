import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../../src/storage/memory.js'
import { storageAdapterConformance } from '../../src/testing/index.js'

storageAdapterConformance('MemoryStorage', () => new MemoryStorage())

describe('MemoryStorage', () => {
  it('is of type inmem', () => {
    expect(new MemoryStorage().type).toBe('inmem')
  })

  it('rejects a list prefix that is neither empty nor ends in "/"', async () => {
    await expect(new MemoryStorage().list('a')).rejects.toThrow(
      new TypeError('storage list prefix must be "" or end in "/"'),
    )
  })

  it('lists 100k keys quickly', async () => {
    const storage = new MemoryStorage()
    const value = new Uint8Array([1])
    for (let i = 0; i < 100_000; i++) await storage.put(`k/${i % 100}/${i}`, value)
    const start = performance.now()
    expect(await storage.list('k/')).toHaveLength(100)
    expect(await storage.list('k/7/')).toHaveLength(1000)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})
