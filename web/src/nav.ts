/** The dashboard's sections, in navigation order (labels are i18n keys). */
export const NAV = [
  { id: 'overview', to: '/', label: 'nav.overview' },
  { id: 'inbox', to: '/inbox', label: 'nav.inbox' },
  { id: 'contacts', to: '/contacts', label: 'nav.contacts' },
  { id: 'broadcasts', to: '/broadcasts', label: 'nav.broadcasts' },
  { id: 'entry-points', to: '/entry-points', label: 'nav.entryPoints' },
  { id: 'flows', to: '/flows', label: 'nav.flows' },
  { id: 'sequences', to: '/sequences', label: 'nav.sequences' },
  { id: 'templates', to: '/templates', label: 'nav.templates' },
  { id: 'profile', to: '/profile', label: 'nav.profile' },
  { id: 'pages', to: '/pages', label: 'nav.pages' },
  { id: 'audit', to: '/audit', label: 'nav.audit' },
  { id: 'settings', to: '/settings', label: 'nav.settings' },
  { id: 'demo', to: '/demo', label: 'nav.demo' },
] as const;
