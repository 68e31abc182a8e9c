/** Settings: members, invitations and API keys (owner/admin), and the reader's own language. */
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  PasswordInput,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Role, updateMe } from '../api/auth.ts';
import * as api from '../api/settings.ts';
import { CopyField } from '../components/CopyField.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';

const ROLES: Role[] = ['owner', 'admin', 'agent', 'viewer'];

function RoleSelect({ value, onChange }: { value: Role; onChange: (r: Role) => void }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('settings.role')}
      w={150}
      value={value}
      allowDeselect={false}
      onChange={(v) => onChange((v ?? 'agent') as Role)}
      data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
    />
  );
}

function Members() {
  const { t } = useTranslation();
  const { can, me } = useSession();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['members'], queryFn: api.listMembers });
  const done = () => client.invalidateQueries({ queryKey: ['members'] });
  const setRole = useMutation({ mutationFn: api.setMemberRole, onSuccess: done });
  const remove = useMutation({ mutationFn: api.removeMember, onSuccess: done });
  return (
    <QueryView query={q}>
      {(items) =>
        items.length === 0 ? (
          <EmptyState title={t('settings.membersEmpty')} />
        ) : (
          <Table withTableBorder data-testid="members">
            <Table.Tbody>
              {items.map((m) => (
                <Table.Tr key={m.userId}>
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>
                    {can('admin') && m.userId !== me.user?.id ? (
                      <Select
                        size="xs"
                        w={150}
                        aria-label={t('settings.role')}
                        value={m.role}
                        allowDeselect={false}
                        onChange={(v) => v && setRole.mutate({ userId: m.userId, role: v as Role })}
                        data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                      />
                    ) : (
                      <Badge variant="light">{t(`roles.${m.role}`)}</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {can('admin') && m.userId !== me.user?.id ? (
                      <Button
                        size="compact-xs"
                        color="red"
                        variant="subtle"
                        onClick={() => remove.mutate(m.userId)}
                      >
                        {t('settings.remove')}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      }
    </QueryView>
  );
}

function Invitations() {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['invitations'], queryFn: api.listInvitations });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const invite = useMutation({
    mutationFn: () => api.invite({ email, role }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['invitations'] }),
  });
  const revoke = useMutation({
    mutationFn: api.revokeInvitation,
    onSuccess: () => client.invalidateQueries({ queryKey: ['invitations'] }),
  });
  const link = invite.data?.acceptUrl ?? null;
  return (
    <Stack>
      {can('admin') ? (
        <Group align="flex-end">
          <TextInput
            label={t('login.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            w={260}
            data-testid="invite-email"
          />
          <RoleSelect value={role} onChange={setRole} />
          <Button
            onClick={() => invite.mutate()}
            loading={invite.isPending}
            disabled={!email}
            data-testid="invite-submit"
          >
            {t('settings.invite')}
          </Button>
        </Group>
      ) : null}
      {link ? (
        <Alert color="yellow" title={t('settings.inviteLinkOnce')}>
          <CopyField label={t('settings.inviteLink')} value={link} />
        </Alert>
      ) : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('settings.invitationsEmpty')} />
          ) : (
            <Table withTableBorder>
              <Table.Tbody>
                {items.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>{i.email}</Table.Td>
                    <Table.Td>{t(`roles.${i.role}`)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={i.status === 'pending' ? 'indigo' : 'gray'}>
                        {t(`settings.invitationStatus.${i.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {i.status === 'pending'
                        ? t('settings.expires', { at: formatDateTime(i.expiresAt) })
                        : null}
                    </Table.Td>
                    <Table.Td>
                      {can('admin') && i.status === 'pending' ? (
                        <Button
                          size="compact-xs"
                          color="red"
                          variant="subtle"
                          onClick={() => revoke.mutate(i.id)}
                        >
                          {t('settings.revoke')}
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </Stack>
  );
}

/** The signed-in person's own name and password (a new password needs the current one). */
function MyAccount() {
  const { t } = useTranslation();
  const { me } = useSession();
  const client = useQueryClient();
  const [name, setName] = useState(me.user?.name ?? '');
  const [currentPassword, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => updateMe({ name, ...(password ? { password, currentPassword } : {}) }),
    onSuccess: () => {
      setCurrent('');
      setPassword('');
      void client.invalidateQueries({ queryKey: ['session'] });
    },
  });
  if (!me.user) return <Text c="dimmed">{t('settings.signedInToken')}</Text>;
  return (
    <Stack maw={420}>
      <TextInput label={t('setup.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <PasswordInput
        label={t('settings.currentPassword')}
        value={currentPassword}
        onChange={(e) => setCurrent(e.currentTarget.value)}
        autoComplete="current-password"
      />
      <PasswordInput
        label={t('settings.newPassword')}
        description={t('settings.newPasswordHint')}
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        autoComplete="new-password"
      />
      {save.isSuccess ? <Alert color="teal">{t('settings.saved')}</Alert> : null}
      <Group>
        <Button
          onClick={() => save.mutate()}
          loading={save.isPending}
          disabled={!name || (password !== '' && currentPassword === '')}
        >
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}

function ApiKeys() {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['api-keys'], queryFn: api.listApiKeys });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const create = useMutation({
    mutationFn: () => api.createApiKey({ name, role }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const revoke = useMutation({
    mutationFn: api.revokeApiKey,
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const secret = create.data?.key ?? null;
  return (
    <Stack>
      {can('admin') ? (
        <Group align="flex-end">
          <TextInput
            label={t('settings.keyName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={260}
          />
          <RoleSelect value={role} onChange={setRole} />
          <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!name}>
            {t('settings.createKey')}
          </Button>
        </Group>
      ) : null}
      {secret ? (
        <Alert color="yellow" title={t('settings.keyOnce')}>
          <CopyField label={t('settings.key')} value={secret} />
        </Alert>
      ) : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('settings.keysEmpty')} hint={t('settings.keysHint')} />
          ) : (
            <Table withTableBorder>
              <Table.Tbody>
                {items.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td>{k.role ? t(`roles.${k.role}`) : '—'}</Table.Td>
                    <Table.Td>
                      {t('settings.lastUsed', { at: formatDateTime(k.lastUsedAt ?? null) })}
                    </Table.Td>
                    <Table.Td>
                      {can('admin') ? (
                        <Button
                          size="compact-xs"
                          color="red"
                          variant="subtle"
                          onClick={() => revoke.mutate(k.id)}
                        >
                          {t('settings.revoke')}
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </Stack>
  );
}

export default function SettingsPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  return (
    <Stack>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      <Card withBorder padding="sm">
        <Text size="sm">
          {me.user
            ? t('settings.signedInAs', { name: me.user.name, email: me.user.email })
            : t('settings.signedInToken')}{' '}
          · <Code>{me.workspace.name}</Code> · {t(`roles.${me.role}`)}
        </Text>
      </Card>
      <Tabs defaultValue="members">
        <Tabs.List>
          <Tabs.Tab value="members">{t('settings.members')}</Tabs.Tab>
          <Tabs.Tab value="invitations">{t('settings.invitations')}</Tabs.Tab>
          <Tabs.Tab value="keys">{t('settings.apiKeys')}</Tabs.Tab>
          <Tabs.Tab value="account">{t('settings.account')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members" pt="md">
          <Members />
        </Tabs.Panel>
        <Tabs.Panel value="invitations" pt="md">
          <Invitations />
        </Tabs.Panel>
        <Tabs.Panel value="keys" pt="md">
          <ApiKeys />
        </Tabs.Panel>
        <Tabs.Panel value="account" pt="md">
          <MyAccount />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
