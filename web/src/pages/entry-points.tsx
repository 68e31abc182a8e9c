/** Entry points: create, QR preview and download, snippet copy, landing page link, per-entry-point chart. */
import { AreaChart } from '@mantine/charts';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Image,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/entry-points.ts';
import { listPages } from '../api/pages.ts';
import { CopyField } from '../components/CopyField.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/States.tsx';
import { formatDay } from '../format.ts';
import { useSession } from '../session.tsx';

const KINDS = ['m_me', 'qr', 'landing', 'chat_plugin', 'comment', 'ad'] as const;

function QrPreview({ id }: { id: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let revoke: string | null = null;
    api
      .qrPreview(id)
      .then((u) => {
        revoke = u;
        setUrl(u);
      })
      .catch(setError);
    return () => {
      if (revoke) URL.revokeObjectURL(revoke);
    };
  }, [id]);
  if (error) return <ErrorState error={error} />;
  if (!url) return <Loading />;
  return <Image src={url} w={160} h={160} alt={t('entry.qrAlt')} data-testid="qr-preview" />;
}

function EntryCard({ ep }: { ep: api.EntryPoint }) {
  const { t } = useTranslation();
  const [showSnippet, setShowSnippet] = useState(false);
  const [showLanding, setShowLanding] = useState(false);
  const stats = useQuery({ queryKey: ['entry-stats', ep.id], queryFn: () => api.stats(ep.id) });
  const snippet = useQuery({
    queryKey: ['entry-snippet', ep.id],
    queryFn: () => api.snippet(ep.id),
    enabled: showSnippet,
  });
  const qr = useMutation({ mutationFn: (f: 'png' | 'svg') => api.downloadQr(ep.id, f) });
  const landing = api.landingUrl(ep);
  return (
    <Card withBorder padding="md" data-testid="entry-card">
      <Group justify="space-between" mb="xs">
        <Text fw={700}>{ep.name}</Text>
        <Badge variant="light">{t(`entry.kinds.${ep.kind}`, { defaultValue: ep.kind })}</Badge>
      </Group>
      <Group align="flex-start" wrap="nowrap">
        <QrPreview id={ep.id} />
        <Stack gap="xs" style={{ flex: 1 }}>
          {ep.url ? <CopyField label={t('entry.link')} value={ep.url} /> : null}
          {landing ? (
            <Group gap="xs">
              <Anchor component="button" size="sm" onClick={() => setShowLanding(true)}>
                {t('entry.previewLanding')}
              </Anchor>
              <Anchor href={landing} target="_blank" size="sm">
                {t('entry.openLanding')}
              </Anchor>
            </Group>
          ) : null}
          <Group gap="xs">
            <Button size="compact-xs" variant="light" onClick={() => qr.mutate('png')} data-testid="qr-png">
              {t('entry.downloadPng')}
            </Button>
            <Button size="compact-xs" variant="light" onClick={() => qr.mutate('svg')}>
              {t('entry.downloadSvg')}
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => setShowSnippet(true)}>
              {t('entry.snippet')}
            </Button>
          </Group>
        </Stack>
      </Group>
      <Text size="xs" c="dimmed" mt="sm">
        {t('entry.perDay')}
      </Text>
      {stats.error ? (
        <Text size="xs" c="dimmed">
          {t('overview.noData')}
        </Text>
      ) : stats.data && stats.data.length > 0 ? (
        <AreaChart
          h={120}
          data={stats.data.map((d) => ({ ...d, day: formatDay(d.day) }))}
          dataKey="day"
          series={[{ name: 'count', label: t('entry.people'), color: 'indigo.6' }]}
        />
      ) : (
        <Text size="xs" c="dimmed">
          {t('overview.noData')}
        </Text>
      )}
      {landing ? (
        <Modal
          opened={showLanding}
          onClose={() => setShowLanding(false)}
          title={t('entry.previewLanding')}
          size="md"
        >
          <iframe
            src={landing}
            title={t('entry.previewLanding')}
            style={{ width: '100%', height: 560, border: 0 }}
          />
        </Modal>
      ) : null}
      <Modal opened={showSnippet} onClose={() => setShowSnippet(false)} title={t('entry.snippet')} size="lg">
        <QueryView query={snippet}>
          {(html) => (
            <Stack>
              <Code block>{html}</Code>
              <CopyField label={t('entry.snippet')} value={html} />
            </Stack>
          )}
        </QueryView>
      </Modal>
    </Card>
  );
}

function CreateEntry({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const pages = useQuery({ queryKey: ['pages'], queryFn: listPages, retry: false });
  const [form, setForm] = useState({ name: '', kind: 'm_me', pageId: '', ref: '', slug: '' });
  const [labels, setLabels] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api.createEntryPoint({
        name: form.name,
        kind: form.kind,
        ...(form.pageId ? { pageId: form.pageId } : {}),
        ...(form.ref ? { ref: form.ref } : {}),
        ...(form.slug ? { slug: form.slug } : {}),
        ...(labels.length ? { labels } : {}),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['entry-points'] });
      onDone();
    },
  });
  return (
    <Card withBorder padding="md" data-testid="entry-create">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('entry.name')}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          required
          data-testid="entry-name"
        />
        <Select
          label={t('entry.kind')}
          value={form.kind}
          allowDeselect={false}
          onChange={(v) => setForm({ ...form, kind: v ?? 'm_me' })}
          data={KINDS.map((k) => ({ value: k, label: t(`entry.kinds.${k}`) }))}
        />
        <Select
          label={t('entry.page')}
          value={form.pageId}
          onChange={(v) => setForm({ ...form, pageId: v ?? '' })}
          data={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('entry.anyPage')}
          clearable
        />
        <TextInput
          label={t('entry.ref')}
          description={t('entry.refHint')}
          value={form.ref}
          onChange={(e) => setForm({ ...form, ref: e.currentTarget.value })}
        />
        <TextInput
          label={t('entry.slug')}
          description={t('entry.slugHint')}
          value={form.slug}
          onChange={(e) => setForm({ ...form, slug: e.currentTarget.value })}
        />
        <TagsInput label={t('entry.labels')} value={labels} onChange={setLabels} />
      </SimpleGrid>
      <Group justify="flex-end" mt="md">
        <Button variant="subtle" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={!form.name}
          data-testid="entry-save"
        >
          {t('common.create')}
        </Button>
      </Group>
    </Card>
  );
}

export default function EntryPointsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['entry-points'], queryFn: api.listEntryPoints });
  return (
    <Stack>
      <PageHeader
        title={t('entry.title')}
        description={t('entry.description')}
        actions={
          can('admin') ? (
            <Button onClick={() => setCreating(true)} data-testid="entry-new">
              {t('entry.new')}
            </Button>
          ) : null
        }
      />
      {creating ? <CreateEntry onDone={() => setCreating(false)} /> : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('entry.emptyTitle')} hint={t('entry.emptyHint')} />
          ) : (
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              {items.map((ep) => (
                <EntryCard key={ep.id} ep={ep} />
              ))}
            </SimpleGrid>
          )
        }
      </QueryView>
    </Stack>
  );
}
