import { createContext, useContext } from 'react';
import type { Api, Identity } from './api';

export interface ConsoleSession {
  api: Api;
  identity: Identity;
  signOut: () => void;
}

export const ConsoleContext = createContext<ConsoleSession | null>(null);

export function useConsole(): ConsoleSession {
  const session = useContext(ConsoleContext);
  if (session === null) throw new Error('useConsole outside a signed-in console');
  return session;
}
