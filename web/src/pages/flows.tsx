/**
 * Flows: the list and a step editor. The first cut edits the steps as JSON, checked locally (valid
 * JSON, every step with an id and a type, unique ids, links to existing steps) and by the server
 * (its problems are listed by field). A read-only outline of the steps shows the graph's shape.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  JsonInput,
  List,
  NavLink,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api/flows.ts';
import { ApiError } from '../api/http.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, QueryView } from '../components/States.tsx';
import { checkSteps, linksOf } from '../flow-steps.ts';
import { useSession } from '../session.tsx';

const EXAMPLE: api.FlowStep[] = [
  {
    id: 'welcome',
    type: 'message',
    text: 'Hola 👋 ¿En qué te ayudamos?',
    quickReplies: [
      { title: 'Precios', next: 'prices' },
      { title: 'Hablar con alguien', next: 'human' },
    ],
  },
  { id: 'prices', type: 'message', text: 'Nuestros precios: https://example.com/precios' },
  { id: 'human', type: 'handover', to: 'human' },
];

function Editor({ flow, onSaved }: { flow: api.Flow | null; onSaved: (f: api.Flow) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const [name, setName] = useState(flow?.name ?? '');
  const [json, setJson] = useState(JSON.stringify(flow?.steps ?? EXAMPLE, null, 2));
  const check = checkSteps(json, t);
  const save = useMutation({
    mutationFn: () => {
      if (!check.ok) throw new Error(check.problems.join('; '));
      return flow
        ? api.saveFlow(flow.id, { name, steps: check.steps })
        : api.createFlow({ name, steps: check.steps });
    },
    meta: { quiet: true },
    onSuccess: (f) => {
      void client.invalidateQueries({ queryKey: ['flows'] });
      onSaved(f);
    },
  });
  const serverProblems =
    save.error instanceof ApiError
      ? ((save.error.details.problems as { field?: string; message: string }[] | undefined) ?? [
          { message: save.error.message },
        ])
      : save.error
        ? [{ message: save.error.message }]
        : [];
  return (
    <Card withBorder padding="md" data-testid="flow-editor">
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <TextInput
              label={t('flows.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              disabled={!can('admin')}
            />
            <JsonInput
              label={t('flows.steps')}
              description={t('flows.stepsHint')}
              value={json}
              onChange={setJson}
              autosize
              minRows={14}
              maxRows={28}
              formatOnBlur
              disabled={!can('admin')}
            />
            {!check.ok ? (
              <Alert color="red" title={t('flows.problems')} data-testid="flow-problems">
                <List size="sm">
                  {check.problems.map((p) => (
                    <List.Item key={p}>{p}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {serverProblems.length > 0 ? (
              <Alert color="red" title={t('errors.title')}>
                <List size="sm">
                  {serverProblems.map((p) => (
                    <List.Item key={(p.field ?? '') + p.message}>{p.message}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {can('admin') ? (
              <Group justify="flex-end">
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!check.ok || !name}>
                  {t('common.save')}
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Text fw={600} size="sm" mb="xs">
            {t('flows.outline')}
          </Text>
          {check.ok ? (
            <Stack gap={6}>
              {check.steps.map((s) => {
                const next = linksOf(s);
                return (
                  <Card key={s.id} withBorder padding="xs">
                    <Group gap="xs">
                      <Badge size="xs">{s.type}</Badge>
                      <Text size="sm" fw={600}>
                        {s.id}
                      </Text>
                    </Group>
                    {typeof s.text === 'string' ? (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {s.text}
                      </Text>
                    ) : null}
                    {next.length > 0 ? <Text size="xs">→ {next.join(', ')}</Text> : null}
                  </Card>
                );
              })}
            </Stack>
          ) : (
            <Text size="xs" c="dimmed">
              {t('flows.fixFirst')}
            </Text>
          )}
        </Grid.Col>
      </Grid>
    </Card>
  );
}

export default function FlowsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const q = useQuery({ queryKey: ['flows'], queryFn: api.listFlows });
  const [editing, setEditing] = useState<api.Flow | 'new' | null>(null);
  return (
    <Stack>
      <PageHeader
        title={t('flows.title')}
        description={t('flows.description')}
        actions={can('admin') ? <Button onClick={() => setEditing('new')}>{t('flows.new')}</Button> : null}
      />
      {editing ? (
        <Editor
          key={editing === 'new' ? 'new' : editing.id}
          flow={editing === 'new' ? null : editing}
          onSaved={(f) => setEditing(f)}
        />
      ) : null}
      <QueryView query={q}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState title={t('flows.emptyTitle')} hint={t('flows.emptyHint')} />
          ) : (
            <Card withBorder padding={0}>
              {items.map((f) => (
                <NavLink
                  key={f.id}
                  label={f.name}
                  description={t('flows.stepCount', { count: f.steps.length })}
                  onClick={() => setEditing(f)}
                  rightSection={
                    f.enabled === false ? <Badge color="gray">{t('common.disabled')}</Badge> : null
                  }
                />
              ))}
            </Card>
          )
        }
      </QueryView>
    </Stack>
  );
}
