/** A float vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32 bytes, base64. */
export function toBase64Embedding(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}
