/** The signed-in person (or the installation token) for every page: role, workspace, sign out. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { loadSession, logout, type Me, type Role, type SessionState } from './api/auth.ts';
import { setWorkspaceId } from './api/http.ts';
import { Loading } from './components/States.tsx';

interface SessionApi {
  readonly me: Me;
  readonly can: (least: Role) => boolean;
  readonly switchWorkspace: (id: string) => void;
  readonly signOut: () => Promise<void>;
}

const ORDER: readonly Role[] = ['owner', 'admin', 'agent', 'viewer'];
const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionGate>');
  return s;
}

export function useSessionState() {
  return useQuery<SessionState>({
    queryKey: ['session'],
    queryFn: loadSession,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** Shows `children` when signed in, else what `outside` renders for the setup or login state. */
export function SessionGate({
  children,
  outside,
}: {
  children: ReactNode;
  outside: (state: Exclude<SessionState, { kind: 'in' }>, error: unknown) => ReactNode;
}) {
  const client = useQueryClient();
  const state = useSessionState();
  if (state.isPending) return <Loading />;
  if (state.error || !state.data) return <>{outside({ kind: 'login', accounts: false }, state.error)}</>;
  if (state.data.kind !== 'in') return <>{outside(state.data, null)}</>;
  const me = state.data.me;
  const api: SessionApi = {
    me,
    can: (least) => ORDER.indexOf(me.role) <= ORDER.indexOf(least),
    switchWorkspace: (id) => {
      setWorkspaceId(id);
      // Everything cached belongs to the old workspace: drop it and refetch what is on screen
      // (the session too, so the role is the one held in the new workspace).
      void client.resetQueries();
    },
    signOut: async () => {
      await logout(me.via);
      // Nothing of this session may stay on screen or in the cache.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      await client.resetQueries({ queryKey: ['session'] });
    },
  };
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}
