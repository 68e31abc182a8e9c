/** Facebook Pages: connect (id, name, token, app secret, verify token), the webhook URL to paste into Meta, health. */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/pages.ts';
import { CopyField } from '../components/CopyField.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/States.tsx';
import { useSession } from '../session.tsx';

const STATUS_COLOR: Record<string, string> = {
  active: 'teal',
  ok: 'teal',
  restricted: 'red',
  paused: 'orange',
  token_invalid: 'red',
};

function permissionList(p: api.PageView['permissions'] | api.PageHealth['permissions']): string[] {
  if (!p) return [];
  if (Array.isArray(p)) return p.map(String);
  return Object.entries(p)
    .filter(([, v]) => v === true || v === 'granted' || v === 'approved')
    .map(([k]) => k);
}

function Health({ id }: { id: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['page-health', id], queryFn: () => api.pageHealth(id) });
  if (q.error) return <ErrorState error={q.error} />;
  if (!q.data) return <Loading />;
  const h = q.data;
  return (
    <Stack gap={4} data-testid="page-health">
      <Group gap="xs">
        <Badge color={h.token.valid ? 'teal' : 'red'}>
          {h.token.valid ? t('pages.tokenValid') : t('pages.tokenInvalid')}
        </Badge>
        <Badge color={h.subscribed ? 'teal' : 'orange'}>
          {h.subscribed ? t('pages.subscribed') : t('pages.notSubscribed')}
        </Badge>
        <Badge color={STATUS_COLOR[h.status] ?? 'gray'} variant="outline">
          {t(`pages.status.${h.status}`, { defaultValue: h.status })}
        </Badge>
      </Group>
      {h.token.reason ? (
        <Text size="xs" c="red">
          {h.token.reason}
        </Text>
      ) : null}
      {h.missingFields && h.missingFields.length > 0 ? (
        <Text size="xs" c="orange" data-testid="missing-fields">
          {t('pages.missingFields', { fields: h.missingFields.join(', ') })}
        </Text>
      ) : null}
      <Text size="xs" c="dimmed">
        {t('pages.permissions')}: {permissionList(h.permissions).join(', ') || '—'}
      </Text>
    </Stack>
  );
}

function Connect({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState({ id: '', name: '', accessToken: '', appSecret: '', verifyToken: '' });
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const connect = useMutation({
    mutationFn: () =>
      api.connectPage({
        id: form.id.trim(),
        name: form.name.trim(),
        accessToken: form.accessToken.trim(),
        ...(form.appSecret ? { appSecret: form.appSecret.trim() } : {}),
        ...(form.verifyToken ? { verifyToken: form.verifyToken.trim() } : {}),
      }),
    meta: { quiet: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['pages'] });
      onDone();
    },
  });
  return (
    <Card withBorder padding="md" data-testid="page-connect">
      <Title order={5} mb="sm">
        {t('pages.connectTitle')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label={t('pages.id')}
          value={form.id}
          onChange={set('id')}
          required
          data-testid="page-id"
        />
        <TextInput
          label={t('pages.name')}
          value={form.name}
          onChange={set('name')}
          required
          data-testid="page-name"
        />
        <PasswordInput
          label={t('pages.token')}
          description={t('pages.tokenHint')}
          value={form.accessToken}
          onChange={set('accessToken')}
          required
          data-testid="page-token"
        />
        <PasswordInput
          label={t('pages.appSecret')}
          description={t('pages.appSecretHint')}
          value={form.appSecret}
          onChange={set('appSecret')}
        />
        <TextInput
          label={t('pages.verifyToken')}
          description={t('pages.verifyTokenHint')}
          value={form.verifyToken}
          onChange={set('verifyToken')}
        />
      </SimpleGrid>
      {connect.error ? (
        <Alert color="red" mt="sm">
          {connect.error.message}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => connect.mutate()}
          loading={connect.isPending}
          disabled={!form.id || !form.name || !form.accessToken}
          data-testid="page-connect-submit"
        >
          {t('pages.connect')}
        </Button>
      </Group>
    </Card>
  );
}

export default function PagesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const [connecting, setConnecting] = useState(false);
  const q = useQuery({ queryKey: ['pages'], queryFn: api.listPages });
  const remove = useMutation({
    mutationFn: api.disconnectPage,
    onSuccess: () => client.invalidateQueries({ queryKey: ['pages'] }),
  });
  return (
    <Stack>
      <PageHeader
        title={t('pages.title')}
        description={t('pages.description')}
        actions={
          can('admin') ? (
            <Button onClick={() => setConnecting(true)} data-testid="page-new">
              {t('pages.connectTitle')}
            </Button>
          ) : null
        }
      />
      {connecting ? <Connect onDone={() => setConnecting(false)} /> : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('pages.emptyTitle')} hint={t('pages.emptyHint')} />
          ) : (
            <Stack>
              {items.map((p) => (
                <Card key={p.id} withBorder padding="md" data-testid="page-card">
                  <Group justify="space-between" mb="xs">
                    <Group gap="xs">
                      <Text fw={700}>{p.name}</Text>
                      <Text size="xs" c="dimmed">
                        {p.id}
                      </Text>
                      <Badge color={STATUS_COLOR[p.status] ?? 'gray'} variant="light">
                        {t(`pages.status.${p.status}`, { defaultValue: p.status })}
                      </Badge>
                    </Group>
                    {can('admin') ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => remove.mutate(p.id)}
                      >
                        {t('pages.disconnect')}
                      </Button>
                    ) : null}
                  </Group>
                  {p.statusReason ? (
                    <Alert color="orange" mb="xs">
                      {p.statusReason}
                    </Alert>
                  ) : null}
                  <CopyField label={t('pages.webhookUrl')} value={p.webhookUrl} testId="webhook-url" />
                  <Text size="xs" c="dimmed" mt={4}>
                    {t('pages.webhookHint')}
                  </Text>
                  <List size="xs" mt={4}>
                    <List.Item>{t('pages.fields')}</List.Item>
                  </List>
                  <Title order={6} mt="sm" mb={4}>
                    {t('pages.health')}
                  </Title>
                  <Health id={p.id} />
                </Card>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </Stack>
  );
}
