/**
 * The key the person signed in with lives in this tab's session storage only: never in a URL, a
 * cookie or local storage, and it is gone when the tab closes or on sign-out.
 */
const STORAGE_KEY = 'switchyard.console.key';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
