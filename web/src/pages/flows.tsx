/**
 * Flows: the list and a step editor. Steps and triggers are edited as forms (flow-form.tsx); an
 * "Advanced (JSON)" switch shows the same state as JSON text, checked locally (valid JSON, every step
 * with an id and a type, unique ids, links to existing steps) and by the server (its problems are
 * shown on the step they concern). The JSON text is the one source of truth: the forms read it and
 * write it back, so nothing the forms do not cover is lost.
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
  Switch,
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
import { StepsForm, TriggersForm } from './flow-form.tsx';
import { FlowGraph } from './flow-graph.tsx';

const EXAMPLE_STEPS: api.FlowStep[] = [
  {
    id: 'hola',
    type: 'send',
    message: {
      type: 'text',
      text: '¡Hola {{first_name|amigo}}! ¿En qué te ayudamos?',
      quickReplies: [
        { title: 'Precios', payload: 'PRECIOS' },
        { title: 'Hablar con alguien', payload: 'HUMANO' },
      ],
    },
    next: 'email',
  },
  {
    id: 'email',
    type: 'ask',
    text: '¿Cuál es tu correo?',
    field: 'email',
    validate: 'email',
    next: 'humano',
  },
  { id: 'humano', type: 'handoff' },
];
const EXAMPLE_TRIGGERS: api.FlowTrigger[] = [{ type: 'keyword', match: 'contains', value: 'hola' }];

function parseTriggers(json: string): api.FlowTrigger[] | null {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as api.FlowTrigger[]) : null;
  } catch {
    return null;
  }
}

type ShownProblem = { key: string; message: string; stepId?: string | null; path?: string; raw?: string };

function problemsOf(error: unknown): ShownProblem[] {
  if (!error) return [];
  if (error instanceof ApiError) {
    const list = error.details.problems as api.FlowProblem[] | undefined;
    if (list?.length)
      return list.map((p, i) => ({
        key: `${i}`,
        message: p.path ? `${p.path}: ${p.message}` : p.message,
        stepId: p.stepId,
        path: p.path,
        raw: p.message,
      }));
    return [{ key: error.code, message: error.message }];
  }
  return [{ key: 'error', message: error instanceof Error ? error.message : String(error) }];
}

function Editor({ flow, onSaved }: { flow: api.Flow | null; onSaved: (f: api.Flow) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const [name, setName] = useState(flow?.name ?? '');
  const [json, setJson] = useState(JSON.stringify(flow?.draft.steps ?? EXAMPLE_STEPS, null, 2));
  const [triggersJson, setTriggersJson] = useState(
    JSON.stringify(flow?.draft.triggers ?? EXAMPLE_TRIGGERS, null, 2),
  );
  const [advanced, setAdvanced] = useState(false);
  const check = checkSteps(json, t);
  const triggers = parseTriggers(triggersJson);
  const save = useMutation({
    mutationFn: () => {
      if (!check.ok) throw new Error(check.problems.join('; '));
      if (!triggers) throw new Error(t('flows.notArray'));
      const doc: api.FlowDocument = { ...(flow?.draft ?? {}), name, triggers, steps: check.steps };
      return flow ? api.saveFlow(flow.id, doc) : api.createFlow(doc);
    },
    meta: { quiet: true },
    onSuccess: (f) => {
      void client.invalidateQueries({ queryKey: ['flows'] });
      onSaved(f);
    },
  });
  const publish = useMutation({
    mutationFn: () => api.publishFlow(flow!.id),
    meta: { quiet: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['flows'] }),
  });
  const warnings = [...(save.data?.warnings ?? []), ...(publish.data?.warnings ?? [])];
  const serverProblems = [...problemsOf(save.error), ...problemsOf(publish.error)];
  return (
    <Card withBorder padding="md" data-testid="flow-editor">
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <TextInput
              label={t('flows.name')}
              data-testid="flow-name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              disabled={!can('admin')}
            />
            <Switch
              label={t('flowForm.advanced')}
              data-testid="flow-advanced"
              checked={advanced}
              onChange={(e) => setAdvanced(e.currentTarget.checked)}
            />
            {!advanced && triggers ? (
              <TriggersForm
                triggers={triggers}
                disabled={!can('admin')}
                onChange={(next) => setTriggersJson(JSON.stringify(next, null, 2))}
              />
            ) : null}
            {!advanced && check.ok ? (
              <StepsForm
                steps={check.steps}
                disabled={!can('admin')}
                problems={serverProblems.map((p) => ({
                  stepId: p.stepId,
                  path: p.path,
                  message: p.raw ?? p.message,
                }))}
                onChange={(next) => setJson(JSON.stringify(next, null, 2))}
              />
            ) : null}
            {!advanced && (!check.ok || !triggers) ? (
              <Text size="sm" c="dimmed">
                {t('flowForm.fixJsonFirst')}
              </Text>
            ) : null}
            {advanced ? (
              <>
                <JsonInput
                  label={t('flows.triggers')}
                  description={t('flows.triggersHint')}
                  data-testid="flow-triggers"
                  value={triggersJson}
                  onChange={setTriggersJson}
                  autosize
                  minRows={3}
                  maxRows={10}
                  formatOnBlur
                  disabled={!can('admin')}
                />
                <JsonInput
                  label={t('flows.steps')}
                  description={t('flows.stepsHint')}
                  data-testid="flow-steps"
                  value={json}
                  onChange={setJson}
                  autosize
                  minRows={14}
                  maxRows={28}
                  formatOnBlur
                  disabled={!can('admin')}
                />
              </>
            ) : null}
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
              <Alert color="red" title={t('flows.notSaved')} data-testid="flow-server-problems">
                <List size="sm">
                  {serverProblems.map((p) => (
                    <List.Item key={p.key}>{p.message}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {warnings.length > 0 ? (
              <Alert color="yellow" title={t('flows.warnings')} data-testid="flow-warnings">
                <List size="sm">
                  {warnings.map((w) => (
                    <List.Item key={`${w.code}-${w.path ?? ''}-${w.message}`}>
                      {w.path ? `${w.path}: ${w.message}` : w.message}
                    </List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {publish.data ? (
              <Alert color="teal">{t('flows.published', { version: publish.data.version })}</Alert>
            ) : null}
            {can('admin') ? (
              <Group justify="flex-end">
                <Button
                  onClick={() => save.mutate()}
                  loading={save.isPending}
                  disabled={!check.ok || !triggers || !name}
                  data-testid="flow-save"
                >
                  {t('common.save')}
                </Button>
                {flow ? (
                  <Button
                    variant="light"
                    onClick={() => publish.mutate()}
                    loading={publish.isPending}
                    data-testid="flow-publish"
                  >
                    {t('flows.publish')}
                  </Button>
                ) : null}
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
              <FlowGraph steps={check.steps} start={flow?.draft.start} />
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
        actions={
          can('admin') ? (
            <Button onClick={() => setEditing('new')} data-testid="flow-new">
              {t('flows.new')}
            </Button>
          ) : null
        }
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
                  description={t('flows.stepCount', { count: f.draft.steps?.length ?? 0 })}
                  onClick={() => setEditing(f)}
                  rightSection={
                    <Badge
                      color={f.status === 'archived' ? 'gray' : f.publishedVersion ? 'teal' : 'yellow'}
                      variant="light"
                    >
                      {f.status === 'archived'
                        ? t('flowStatus.archived')
                        : f.publishedVersion
                          ? t('flowStatus.published', { version: f.publishedVersion })
                          : t('flowStatus.draft')}
                    </Badge>
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
