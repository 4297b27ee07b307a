/**
 * A short, stable digest of a text: 64 bits as 16 hex characters, from two 32-bit multiplicative hashes
 * (FNV-1a's and one with MurmurHash's constant). Not cryptographic: for telling texts apart where a
 * clash is as unlikely as two random 64-bit numbers meeting and costs nothing worse than a stale answer
 * (a cart's contents, checkout's remembered event ids), and the same in every process and version.
 */
export const textDigest = (text: string): string => {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0")
}
