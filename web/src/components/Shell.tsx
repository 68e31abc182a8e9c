/** The frame around every page: header (workspace, language, sign out), navigation, content. */
import {
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  SegmentedControl,
  Select,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { workspaceId } from '../api/http.ts';
import { currentLang, type Lang, setLang } from '../i18n/index.ts';
import { NAV } from '../nav.ts';
import { useSession } from '../session.tsx';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const client = useQueryClient();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('shell.language')}
      data-testid="lang-switch"
      value={currentLang()}
      onChange={(v) => {
        void setLang(v as Lang).then(() =>
          client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' }),
        );
      }}
      data={[
        { value: 'es', label: 'ES' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}

export function Shell() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const { me, switchWorkspace, signOut } = useSession();
  const path = useRouterState({ select: (s) => s.location.pathname });
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('shell.menu')} />
            <Text fw={800} fz="lg" c="indigo">
              Ventana
            </Text>
            {me.workspaces.length > 1 ? (
              <Select
                size="xs"
                w={180}
                aria-label={t('shell.workspace')}
                value={workspaceId() ?? me.workspace.id}
                data={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
                onChange={(v) => v && switchWorkspace(v)}
                allowDeselect={false}
              />
            ) : (
              <Text size="sm" c="dimmed" visibleFrom="xs">
                {me.workspace.name}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Badge variant="outline" color="gray" visibleFrom="sm">
              {t(`roles.${me.role}`)}
            </Badge>
            <LanguageSwitch />
            <Button size="xs" variant="subtle" onClick={() => void signOut()} data-testid="sign-out">
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={t(item.label)}
              active={item.to === '/' ? path === '/' : path.startsWith(item.to)}
              onClick={close}
              data-testid={`nav-${item.id}`}
            />
          ))}
          <Text size="xs" c="dimmed" px="sm" mt="md">
            {me.user ? me.user.email : t('shell.viaToken')}
          </Text>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
