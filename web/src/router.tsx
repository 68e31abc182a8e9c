/** Code-based routes; every page is its own chunk (loaded when first visited). */
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Navigate,
  useLocation,
} from '@tanstack/react-router';
import i18next from 'i18next';
import { Shell } from './components/Shell.tsx';
import { EmptyState } from './components/States.tsx';
import { AcceptInvitationPage, LoginPage } from './pages/login.tsx';
import { SessionGate } from './session.tsx';

function Root() {
  const path = useLocation({ select: (l) => l.pathname });
  // The invitation link works whoever is (or is not) signed in on this browser.
  if (path === '/invitations/accept') return <AcceptInvitationPage />;
  return (
    <SessionGate outside={(state, error) => <LoginPage state={state} error={error} />}>
      <Shell />
    </SessionGate>
  );
}

const root = createRootRoute({
  component: Root,
  notFoundComponent: () => <EmptyState title={i18next.t('errors.pageNotFound')} />,
});

const page = (path: string, load: () => Promise<{ default: () => React.JSX.Element }>) =>
  createRoute({ getParentRoute: () => root, path, component: lazyRouteComponent(load) });

const routes = [
  page('/', () => import('./pages/overview.tsx')),
  page('/inbox', () => import('./pages/inbox.tsx')),
  page('/contacts', () => import('./pages/contacts.tsx')),
  page('/broadcasts', () => import('./pages/broadcasts.tsx')),
  page('/entry-points', () => import('./pages/entry-points.tsx')),
  page('/flows', () => import('./pages/flows.tsx')),
  page('/sequences', () => import('./pages/sequences.tsx')),
  page('/templates', () => import('./pages/templates.tsx')),
  page('/profile', () => import('./pages/profile.tsx')),
  page('/pages', () => import('./pages/pages.tsx')),
  page('/audit', () => import('./pages/audit.tsx')),
  page('/settings', () => import('./pages/settings.tsx')),
  page('/demo', () => import('./pages/demo.tsx')),
  // The one-time setup link, opened again once signed in: nothing left to do there.
  createRoute({ getParentRoute: () => root, path: '/setup', component: () => <Navigate to="/" replace /> }),
];

export const router = createRouter({ routeTree: root.addChildren(routes), defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
