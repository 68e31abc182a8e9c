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

const KINDS = ['link', 'comment', 'ad'] as const;

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
  const qr = useMutation({ mutationFn: (f: 'png' | 'svg') => api.downloadQr(ep, f) });
  const landing = api.landingUrl(ep);
  return (
    <Card withBorder padding="md" data-testid="entry-card">
      <Group justify="space-between" mb="xs">
        <Text fw={700}>{ep.name}</Text>
        <Badge variant="light">{t(`entry.kinds.${ep.kind}`, { defaultValue: ep.kind })}</Badge>
      </Group>
      <Group align="flex-start" wrap="nowrap">
        {api.hasQr(ep) ? <QrPreview id={ep.id} /> : null}
        <Stack gap="xs" style={{ flex: 1 }}>
          <CopyField label={t('entry.link')} value={ep.mmeUrl} />
          {ep.ref ? (
            <Text size="xs" c="dimmed">
              ref: <Code>{ep.ref}</Code>
            </Text>
          ) : null}
          {ep.comment ? (
            <Text size="sm" data-testid="entry-comment">
              {t('entry.keywords')}: {ep.comment.keywords.join(', ') || t('entry.anyComment')}
            </Text>
          ) : null}
          {ep.labels.length > 0 ? (
            <Group gap={4}>
              {ep.labels.map((l) => (
                <Badge key={l} size="xs" variant="outline">
                  {l}
                </Badge>
              ))}
            </Group>
          ) : null}
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
          {api.hasQr(ep) ? (
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
          ) : null}
        </Stack>
      </Group>
      <Text size="xs" c="dimmed" mt="sm">
        {t('entry.perDay')}
      </Text>
      {stats.error ? (
        <Text size="xs" c="dimmed">
          {t('overview.noData')}
        </Text>
      ) : stats.data?.some((d) => d.reached > 0 || d.optIns > 0) ? (
        <AreaChart
          h={120}
          data={stats.data.map((d) => ({ ...d, day: formatDay(d.day) }))}
          dataKey="day"
          series={[
            { name: 'reached', label: t('entry.people'), color: 'indigo.6' },
            { name: 'newContacts', label: t('entry.newContacts'), color: 'teal.6' },
            { name: 'optIns', label: t('entry.optIns'), color: 'grape.6' },
          ]}
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
  const [form, setForm] = useState({
    name: '',
    kind: 'link' as api.EntryKind,
    pageId: '',
    ref: '',
    slug: '',
    prefillText: '',
    replyText: '',
  });
  const [labels, setLabels] = useState<string[]>([]);
  const [keywords, setKeywords] = useState<string[]>([]);
  const [adIds, setAdIds] = useState<string[]>([]);
  const pageId = form.pageId || pages.data?.[0]?.id || '';
  const create = useMutation({
    mutationFn: () =>
      api.createEntryPoint({
        name: form.name,
        kind: form.kind,
        pageId,
        ...(form.ref ? { ref: form.ref } : {}),
        ...(form.kind === 'link' && form.slug ? { slug: form.slug } : {}),
        ...(form.kind === 'link' && form.prefillText ? { prefillText: form.prefillText } : {}),
        ...(labels.length ? { labels } : {}),
        ...(form.kind === 'comment' ? { comment: { keywords, postIds: [], replyText: form.replyText } } : {}),
        ...(form.kind === 'ad' ? { ad: { adIds } } : {}),
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
          onChange={(v) => setForm({ ...form, kind: (v ?? 'link') as api.EntryKind })}
          data={KINDS.map((k) => ({ value: k, label: t(`entry.kinds.${k}`) }))}
          data-testid="entry-kind"
        />
        <Select
          label={t('entry.page')}
          value={pageId || null}
          allowDeselect={false}
          onChange={(v) => setForm({ ...form, pageId: v ?? '' })}
          data={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('entry.noPage')}
          required
        />
        {form.kind !== 'comment' ? (
          <TextInput
            label={t('entry.ref')}
            description={t('entry.refHint')}
            value={form.ref}
            onChange={(e) => setForm({ ...form, ref: e.currentTarget.value })}
          />
        ) : null}
        {form.kind === 'link' ? (
          <>
            <TextInput
              label={t('entry.slug')}
              description={t('entry.slugHint')}
              value={form.slug}
              onChange={(e) => setForm({ ...form, slug: e.currentTarget.value })}
            />
            <TextInput
              label={t('entry.prefill')}
              description={t('entry.prefillHint')}
              value={form.prefillText}
              onChange={(e) => setForm({ ...form, prefillText: e.currentTarget.value })}
            />
          </>
        ) : null}
        {form.kind === 'comment' ? (
          <>
            <TagsInput
              label={t('entry.keywords')}
              description={t('entry.keywordsHint')}
              value={keywords}
              onChange={setKeywords}
            />
            <TextInput
              label={t('entry.replyText')}
              value={form.replyText}
              onChange={(e) => setForm({ ...form, replyText: e.currentTarget.value })}
              required
            />
          </>
        ) : null}
        {form.kind === 'ad' ? <TagsInput label={t('entry.adIds')} value={adIds} onChange={setAdIds} /> : null}
        <TagsInput label={t('entry.labels')} value={labels} onChange={setLabels} />
      </SimpleGrid>
      {create.error ? <ErrorState error={create.error} /> : null}
      <Group justify="flex-end" mt="md">
        <Button variant="subtle" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={!form.name || !pageId}
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
