/** The Messenger profile of a Page: greeting, Get Started, ice breakers, persistent menu. */
import { ActionIcon, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listPages } from '../api/pages.ts';
import * as api from '../api/profile.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, QueryView } from '../components/States.tsx';
import { useSession } from '../session.tsx';

function Rows<T>({
  items,
  render,
  onAdd,
  onRemove,
  addLabel,
}: {
  items: readonly T[];
  render: (item: T, i: number) => React.ReactNode;
  onAdd: () => void;
  onRemove: (i: number) => void;
  addLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      {items.map((item, i) => (
        <Group key={String(i)} align="flex-end" wrap="nowrap">
          {render(item, i)}
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('common.delete')}
            onClick={() => onRemove(i)}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Button size="compact-xs" variant="subtle" onClick={onAdd} w="fit-content">
        {addLabel}
      </Button>
    </Stack>
  );
}

function ProfileEditor({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['profile', pageId],
    queryFn: () => api.getProfile(pageId),
    // While Meta has not got the latest version, look again now and then.
    refetchInterval: (query) => {
      const d = query.state.data;
      return d?.version && !d.inSync && !d.lastError ? 3000 : false;
    },
  });
  const [p, setP] = useState<api.MessengerProfile | null>(null);
  // Reset the form only when a new version is stored (the polling above must not undo typing).
  const [shown, setShown] = useState<number | null | undefined>(undefined);
  if (q.data && q.data.version !== shown) {
    setShown(q.data.version);
    setP(q.data.profile);
  }
  const save = useMutation({
    mutationFn: () => api.saveProfile(pageId, q.data!, p!),
    onSuccess: () => client.invalidateQueries({ queryKey: ['profile', pageId] }),
  });
  if (q.error) return <ErrorState error={q.error} />;
  return (
    <QueryView query={{ data: p ?? undefined, error: null, isPending: p === null }}>
      {(profile) => (
        <Stack>
          <Card withBorder>
            <Title order={5} mb="xs">
              {t('profile.greeting')}
            </Title>
            <Rows
              items={profile.greeting}
              addLabel={t('profile.addGreeting')}
              onAdd={() =>
                setP({ ...profile, greeting: [...profile.greeting, { locale: 'default', text: '' }] })
              }
              onRemove={(i) => setP({ ...profile, greeting: profile.greeting.filter((_, j) => j !== i) })}
              render={(g, i) => (
                <>
                  <TextInput
                    label={t('profile.locale')}
                    w={120}
                    value={g.locale}
                    onChange={(e) =>
                      setP({
                        ...profile,
                        greeting: profile.greeting.map((x, j) =>
                          j === i ? { ...x, locale: e.currentTarget.value } : x,
                        ),
                      })
                    }
                  />
                  <TextInput
                    label={t('profile.text')}
                    style={{ flex: 1 }}
                    maxLength={160}
                    value={g.text}
                    onChange={(e) =>
                      setP({
                        ...profile,
                        greeting: profile.greeting.map((x, j) =>
                          j === i ? { ...x, text: e.currentTarget.value } : x,
                        ),
                      })
                    }
                  />
                </>
              )}
            />
          </Card>
          <Card withBorder>
            <Title order={5} mb="xs">
              {t('profile.getStarted')}
            </Title>
            <TextInput
              label={t('profile.payload')}
              description={t('profile.getStartedHint')}
              value={profile.getStarted?.payload ?? ''}
              onChange={(e) =>
                setP({
                  ...profile,
                  getStarted: e.currentTarget.value ? { payload: e.currentTarget.value } : null,
                })
              }
            />
          </Card>
          <Card withBorder>
            <Title order={5} mb="xs">
              {t('profile.iceBreakers')}
            </Title>
            <Rows
              items={profile.iceBreakers}
              addLabel={t('profile.addIceBreaker')}
              onAdd={() =>
                setP({ ...profile, iceBreakers: [...profile.iceBreakers, { question: '', payload: '' }] })
              }
              onRemove={(i) =>
                setP({ ...profile, iceBreakers: profile.iceBreakers.filter((_, j) => j !== i) })
              }
              render={(b, i) => (
                <>
                  <TextInput
                    label={t('profile.question')}
                    style={{ flex: 1 }}
                    value={b.question}
                    onChange={(e) =>
                      setP({
                        ...profile,
                        iceBreakers: profile.iceBreakers.map((x, j) =>
                          j === i ? { ...x, question: e.currentTarget.value } : x,
                        ),
                      })
                    }
                  />
                  <TextInput
                    label={t('profile.payload')}
                    w={180}
                    value={b.payload}
                    onChange={(e) =>
                      setP({
                        ...profile,
                        iceBreakers: profile.iceBreakers.map((x, j) =>
                          j === i ? { ...x, payload: e.currentTarget.value } : x,
                        ),
                      })
                    }
                  />
                </>
              )}
            />
          </Card>
          <Card withBorder>
            <Title order={5} mb="xs">
              {t('profile.menu')}
            </Title>
            <Rows
              items={profile.persistentMenu}
              addLabel={t('profile.addMenuItem')}
              onAdd={() =>
                setP({
                  ...profile,
                  persistentMenu: [...profile.persistentMenu, { type: 'postback', title: '', payload: '' }],
                })
              }
              onRemove={(i) =>
                setP({ ...profile, persistentMenu: profile.persistentMenu.filter((_, j) => j !== i) })
              }
              render={(m, i) => {
                const change = (c: Partial<api.MessengerProfile['persistentMenu'][number]>) =>
                  setP({
                    ...profile,
                    persistentMenu: profile.persistentMenu.map((x, j) => (j === i ? { ...x, ...c } : x)),
                  });
                return (
                  <>
                    <Select
                      label={t('profile.kind')}
                      w={130}
                      value={m.type}
                      allowDeselect={false}
                      onChange={(v) => change({ type: (v ?? 'postback') as 'postback' | 'web_url' })}
                      data={[
                        { value: 'postback', label: 'Postback' },
                        { value: 'web_url', label: 'URL' },
                      ]}
                    />
                    <TextInput
                      label={t('profile.itemTitle')}
                      style={{ flex: 1 }}
                      value={m.title}
                      onChange={(e) => change({ title: e.currentTarget.value })}
                    />
                    <TextInput
                      label={m.type === 'web_url' ? 'URL' : t('profile.payload')}
                      w={200}
                      value={(m.type === 'web_url' ? m.url : m.payload) ?? ''}
                      onChange={(e) =>
                        change(
                          m.type === 'web_url'
                            ? { url: e.currentTarget.value }
                            : { payload: e.currentTarget.value },
                        )
                      }
                    />
                  </>
                );
              }}
            />
          </Card>
          {q.data?.version ? (
            <Text size="sm" c={q.data.lastError ? 'red' : 'dimmed'} data-testid="profile-status">
              {q.data.lastError
                ? q.data.lastError
                : q.data.inSync
                  ? t('profile.inSync', { version: q.data.version })
                  : t('profile.pending', { version: q.data.version })}
            </Text>
          ) : null}
          {can('admin') ? (
            <Group justify="flex-end">
              <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="profile-save">
                {t('profile.publish')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}
    </QueryView>
  );
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const pages = useQuery({ queryKey: ['pages'], queryFn: listPages });
  const [pageId, setPageId] = useState<string | null>(null);
  const current = pageId ?? pages.data?.[0]?.id ?? null;
  return (
    <Stack>
      <PageHeader title={t('profile.title')} description={t('profile.description')} />
      <QueryView query={pages}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('pages.emptyTitle')} hint={t('pages.emptyHint')} />
          ) : (
            <Stack>
              <Select
                label={t('entry.page')}
                w={300}
                value={current}
                allowDeselect={false}
                onChange={setPageId}
                data={items.map((p) => ({ value: p.id, label: p.name }))}
              />
              {current ? (
                <ProfileEditor key={current} pageId={current} />
              ) : (
                <Text c="dimmed">{t('profile.pickPage')}</Text>
              )}
            </Stack>
          )
        }
      </QueryView>
    </Stack>
  );
}
