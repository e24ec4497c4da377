export function unixSeconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}
