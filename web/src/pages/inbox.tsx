/**
 * The inbox: conversations with their window at a glance, a thread, and a reply box that shows the
 * pipeline's decision live (route, or why not and what can be done instead). Live updates arrive
 * through server-sent events; with the installation token (no cookie for EventSource) it polls.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  List,
  Menu,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type SyntheticEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';
import * as api from '../api/inbox.ts';
import type { Decision } from '../api/policy.ts';
import { listMembers } from '../api/settings.ts';
import { MessageAttachments } from '../components/MessageAttachments.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/States.tsx';
import { WindowBadge } from '../components/WindowBadge.tsx';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { contactName } from './contacts.tsx';

function useLiveInbox(): boolean {
  const client = useQueryClient();
  const { me } = useSession();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (me.via !== 'session') return;
    return api.openStream((kind) => {
      void client.invalidateQueries({ queryKey: ['conversations'] });
      if (kind === 'message') void client.invalidateQueries({ queryKey: ['thread'] });
    }, setLive);
  }, [client, me.via]);
  return live;
}

function DecisionView({
  decision,
  refused,
}: {
  decision: Decision | null;
  refused: api.RefusedReply | null;
}) {
  const { t } = useTranslation();
  const reasons = refused?.reasons ?? (decision && !decision.allowed ? decision.reasons : []);
  const alternatives = refused?.alternatives ?? (decision && !decision.allowed ? decision.alternatives : []);
  if (decision?.allowed && !refused) {
    return (
      <Text size="xs" c="teal" data-testid="reply-decision">
        {t('inbox.willSend', {
          route: t(`routes.${decision.route}`, { defaultValue: decision.route ?? '' }),
        })}
      </Text>
    );
  }
  if (reasons.length === 0) return null;
  return (
    <Alert color="red" title={t('inbox.refusedTitle')} data-testid="reply-refused">
      <List size="sm">
        {reasons.map((r) => (
          <List.Item key={r.code}>{r.message}</List.Item>
        ))}
      </List>
      {alternatives.length > 0 ? (
        <>
          <Text size="sm" fw={600} mt="xs">
            {t('inbox.alternatives')}
          </Text>
          <List size="sm" data-testid="alternatives">
            {alternatives.map((a, i) => (
              <List.Item key={a.code ?? a.route ?? String(i)}>{a.message}</List.Item>
            ))}
          </List>
        </>
      ) : null}
    </Alert>
  );
}

function ReplyBox({ conversation }: { conversation: api.Conversation }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [refused, setRefused] = useState<api.RefusedReply | null>(null);
  const [debounced] = useDebouncedValue(text, 400);
  const preview = useQuery({
    queryKey: ['preview', conversation.id, debounced],
    queryFn: () => api.previewReply(conversation.id, debounced),
    enabled: !note && debounced.trim() !== '',
    placeholderData: (prev) => prev,
  });
  const canned = useQuery({ queryKey: ['canned'], queryFn: api.listCanned, retry: false });
  const send = useMutation({
    mutationFn: () => (note ? api.addNote(conversation.id, text) : api.reply(conversation.id, text)),
    meta: { quiet: true },
    onSuccess: () => {
      setText('');
      setRefused(null);
      void client.invalidateQueries({ queryKey: ['thread', conversation.id] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 422)
        setRefused({
          reasons: (err.details.reasons as api.RefusedReply['reasons']) ?? [
            { code: err.code, message: err.message },
          ],
          alternatives: (err.details.alternatives as api.RefusedReply['alternatives']) ?? [],
        });
    },
  });
  const decision = note || text.trim() === '' ? null : (preview.data?.decision ?? null);
  return (
    <Stack gap="xs" data-testid="reply-box">
      <Group justify="space-between">
        <SegmentedControl
          size="xs"
          value={note ? 'note' : 'reply'}
          onChange={(v) => setNote(v === 'note')}
          data={[
            { value: 'reply', label: t('inbox.reply') },
            { value: 'note', label: t('inbox.note') },
          ]}
        />
        {canned.data && canned.data.length > 0 ? (
          <Select
            size="xs"
            w={220}
            placeholder={t('inbox.canned')}
            data={canned.data.map((c) => ({ value: c.id, label: c.title }))}
            onChange={(id) => setText(canned.data.find((c) => c.id === id)?.text ?? text)}
          />
        ) : null}
      </Group>
      <Textarea
        autosize
        minRows={3}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setRefused(null);
        }}
        placeholder={note ? t('inbox.notePlaceholder') : t('inbox.replyPlaceholder')}
        data-testid="reply-text"
      />
      {note ? (
        <Text size="xs" c="dimmed">
          {t('inbox.noteHint')}
        </Text>
      ) : (
        <DecisionView decision={decision} refused={refused} />
      )}
      {send.error && !refused ? <ErrorState error={send.error} /> : null}
      <Group justify="flex-end">
        <Button
          onClick={() => send.mutate()}
          loading={send.isPending}
          disabled={text.trim() === '' || (!note && decision !== null && !decision.allowed)}
          data-testid="reply-send"
        >
          {note ? t('inbox.addNote') : t('inbox.send')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * A thread opens on its newest line and follows new ones; a picture that loads later keeps the
 * newest line in view unless the agent has scrolled back to read.
 */
function useNewestInView(conversationId: string, lines: number) {
  const viewport = useRef<HTMLDivElement>(null);
  const toBottom = useCallback(() => {
    const v = viewport.current;
    if (v) v.scrollTop = v.scrollHeight;
  }, []);
  const toBottomIfNear = useCallback(
    (e: SyntheticEvent) => {
      const v = viewport.current;
      const grew = (e.target as HTMLElement).offsetHeight;
      if (v && v.scrollHeight - v.scrollTop - v.clientHeight <= grew + 80) toBottom();
    },
    [toBottom],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the conversation or its lines change
  useEffect(toBottom, [conversationId, lines, toBottom]);
  return { viewport, toBottomIfNear };
}

function Thread({ conversation, poll }: { conversation: api.Conversation; poll: boolean }) {
  const { t } = useTranslation();
  const { me, can } = useSession();
  const client = useQueryClient();
  const thread = useQuery({
    queryKey: ['thread', conversation.id],
    queryFn: () => api.messages(conversation.id),
    refetchInterval: poll ? 5000 : false,
  });
  const { viewport, toBottomIfNear } = useNewestInView(conversation.id, thread.data?.length ?? 0);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['conversations'] });
    void client.invalidateQueries({ queryKey: ['thread', conversation.id] });
  };
  const act = useMutation({ mutationFn: (f: () => Promise<unknown>) => f(), onSuccess: refresh });
  const members = useQuery({ queryKey: ['members'], queryFn: listMembers, retry: false, staleTime: 60_000 });
  const assignee = conversation.assignedUserId
    ? conversation.assignedUserId === me.user?.id
      ? t('inbox.me')
      : (members.data?.find((m) => m.userId === conversation.assignedUserId)?.name ??
        conversation.assignedUserId)
    : null;
  const closed = conversation.status === 'closed';
  return (
    <Card withBorder padding="md" h="100%" data-testid="thread">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Text fw={700}>{contactName(conversation.contact)}</Text>
          <WindowBadge window={conversation.contact.window} />
          {conversation.threadOwner && conversation.threadOwner !== 'app' ? (
            <Badge color="grape" variant="light">
              {t('inbox.ownedBy', { owner: conversation.threadOwner })}
            </Badge>
          ) : null}
        </Group>
        {can('agent') ? (
          <Group gap="xs">
            <Menu>
              <Menu.Target>
                <Button size="compact-xs" variant="light" data-testid="assign">
                  {assignee ? t('inbox.assignedTo', { name: assignee }) : t('inbox.assign')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {me.user ? (
                  <Menu.Item
                    onClick={() => act.mutate(() => api.assign(conversation.id, me.user?.id ?? null))}
                  >
                    {t('inbox.assignMe')}
                  </Menu.Item>
                ) : null}
                {(members.data ?? [])
                  .filter((m) => m.userId !== me.user?.id && m.role !== 'viewer')
                  .map((m) => (
                    <Menu.Item
                      key={m.userId}
                      onClick={() => act.mutate(() => api.assign(conversation.id, m.userId))}
                    >
                      {m.name}
                    </Menu.Item>
                  ))}
                {conversation.assignedUserId ? (
                  <Menu.Item color="red" onClick={() => act.mutate(() => api.assign(conversation.id, null))}>
                    {t('inbox.unassign')}
                  </Menu.Item>
                ) : null}
              </Menu.Dropdown>
            </Menu>
            <Menu>
              <Menu.Target>
                <Button size="compact-xs" variant="light">
                  {t('inbox.handover')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => act.mutate(() => api.handover(conversation.id, 'page_inbox'))}>
                  {t('inbox.toPageInbox')}
                </Menu.Item>
                <Menu.Item onClick={() => act.mutate(() => api.handover(conversation.id, 'app'))}>
                  {t('inbox.takeBack')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <Button
              size="compact-xs"
              variant="default"
              onClick={() =>
                act.mutate(() => (closed ? api.reopen(conversation.id) : api.close(conversation.id)))
              }
            >
              {closed ? t('inbox.reopen') : t('inbox.close')}
            </Button>
          </Group>
        ) : null}
      </Group>
      <ScrollArea h={380} type="auto" mb="sm" viewportRef={viewport} onLoadCapture={toBottomIfNear}>
        <QueryView query={thread}>
          {(items) =>
            items.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('inbox.threadEmpty')}
              </Text>
            ) : (
              <Stack gap={6} p="xs">
                {items.map((m) => {
                  const isNote = m.type === 'note';
                  const pending = m.type === 'reply';
                  const out = m.direction === 'out' || pending;
                  return (
                    <Group
                      key={m.id}
                      justify={out || isNote ? 'flex-end' : 'flex-start'}
                      data-testid="thread-item"
                      data-type={m.type}
                    >
                      <Paper
                        p="xs"
                        radius="md"
                        maw="75%"
                        bg={isNote ? 'yellow.1' : pending ? 'indigo.1' : out ? 'indigo.6' : 'gray.1'}
                        c={out && !isNote && !pending ? 'white' : undefined}
                      >
                        {isNote ? (
                          <Text size="xs" fw={700}>
                            {t('inbox.note')}
                          </Text>
                        ) : null}
                        {m.text != null || !m.attachments?.length ? (
                          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                            {m.text ?? t('inbox.attachment')}
                          </Text>
                        ) : null}
                        <MessageAttachments items={m.attachments ?? []} />
                        <Text size="xs" opacity={0.7}>
                          {formatDateTime(m.createdAt)}
                          {m.via === 'page_inbox' ? ` · ${t('inbox.fromPageInbox')}` : ''}
                          {m.author === 'bot' ? ` · ${t('inbox.bot')}` : ''}
                          {m.route ? ` · ${t(`routes.${m.route}`, { defaultValue: m.route })}` : ''}
                          {pending && m.status
                            ? ` · ${t(`inbox.replyStatus.${m.status}`, { defaultValue: m.status })}`
                            : ''}
                        </Text>
                      </Paper>
                    </Group>
                  );
                })}
              </Stack>
            )
          }
        </QueryView>
      </ScrollArea>
      {can('agent') ? <ReplyBox conversation={conversation} /> : null}
    </Card>
  );
}

export default function InboxPage() {
  const { t } = useTranslation();
  const live = useLiveInbox();
  const [filter, setFilter] = useState<api.ConversationFilter>('all');
  const [selected, setSelected] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['conversations', filter],
    queryFn: () => api.listConversations(filter),
    refetchInterval: live ? false : 5000,
  });
  const current = q.data?.find((c) => c.id === selected) ?? null;
  return (
    <Stack>
      <PageHeader
        title={t('inbox.title')}
        description={t('inbox.description')}
        actions={
          <Badge variant="dot" color={live ? 'teal' : 'gray'}>
            {live ? t('inbox.live') : t('inbox.polling')}
          </Badge>
        }
      />
      <SegmentedControl
        value={filter}
        onChange={(v) => setFilter(v as api.ConversationFilter)}
        data={(['all', 'unassigned', 'mine', 'waiting', 'closed'] as const).map((f) => ({
          value: f,
          label: t(`inbox.filter.${f}`),
        }))}
        data-testid="inbox-filter"
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <QueryView query={q}>
            {(items) =>
              items.length === 0 ? (
                <EmptyState title={t('inbox.emptyTitle')} hint={t('inbox.emptyHint')} />
              ) : (
                <Stack gap={4} data-testid="conversation-list">
                  {items.map((c) => (
                    <UnstyledButton key={c.id} onClick={() => setSelected(c.id)}>
                      <Paper withBorder p="xs" bg={c.id === selected ? 'indigo.0' : undefined}>
                        <Group justify="space-between" wrap="nowrap">
                          <Text fw={c.unreadCount > 0 ? 700 : 500} size="sm" truncate>
                            {contactName(c.contact)}
                          </Text>
                          {c.unreadCount > 0 ? (
                            <Badge size="xs" circle>
                              {c.unreadCount}
                            </Badge>
                          ) : null}
                        </Group>
                        <Group gap={4} mt={4}>
                          <WindowBadge window={c.contact.window} />
                          {c.handoffAt ? (
                            <Badge size="xs" color="orange">
                              {t('inbox.waiting')}
                            </Badge>
                          ) : null}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {formatDateTime(c.lastMessageAt)}
                        </Text>
                      </Paper>
                    </UnstyledButton>
                  ))}
                </Stack>
              )
            }
          </QueryView>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {current ? (
            <Thread conversation={current} poll={!live} />
          ) : q.data && q.data.length > 0 ? (
            <EmptyState title={t('inbox.pick')} />
          ) : q.isPending ? (
            <Loading />
          ) : null}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
