/**
 * The flow step editor as forms, for people who do not write JSON: triggers as a small list, steps
 * as cards (id, type, the type's fields, where each link goes). It edits the same plain objects the
 * JSON view shows, replacing only the fields it knows, so whatever it does not cover (a button
 * template, a branch's conditions beyond the simple ones) is kept as it was.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowStep, FlowTrigger } from '../api/flows.ts';

/** Exactly the step types of src/flows/document.ts. */
export const STEP_TYPES = [
  'send',
  'ask',
  'condition',
  'add_label',
  'remove_label',
  'set_field',
  'delay',
  'start_sequence',
  'stop_sequence',
  'handoff',
  'webhook',
  'optin_request',
  'utility_template',
  'goal',
] as const;
const TRIGGER_TYPES = [
  'keyword',
  'ref',
  'postback',
  'quick_reply',
  'get_started',
  'ice_breaker',
  'optin',
  'default',
];
const VALIDATIONS = ['text', 'email', 'phone', 'number', 'date', 'choice'];
const CTA_TEXTS = ['', 'ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP'];

type Obj = Record<string, unknown>;

/** What the engine uses when a number is left empty (src/flows/document.ts), shown as a placeholder. */
const DEFAULTS_SHOWN: Record<string, string> = { retries: '2', timeoutMs: '5000' };

/** The fields a new step of a type starts with (the minimum the server asks for). */
function defaultsFor(type: string): Obj {
  switch (type) {
    case 'send':
      return { message: { type: 'text', text: '' } };
    case 'ask':
      return { text: '', field: 'email', validate: 'email' };
    case 'condition':
      return { branches: [] };
    case 'add_label':
    case 'remove_label':
      return { labels: [] };
    case 'set_field':
      return { field: '', value: '' };
    case 'delay':
      return { hours: 1 };
    case 'start_sequence':
      return { sequenceId: '' };
    case 'webhook':
      return { url: 'https://' };
    case 'optin_request':
      return { title: '', payload: '' };
    case 'utility_template':
      return { name: '', language: 'es' };
    default:
      return {};
  }
}

function freshId(type: string, steps: readonly FlowStep[]): string {
  const ids = new Set(steps.map((s) => s.id));
  for (let n = 1; ; n++) if (!ids.has(`${type}_${n}`)) return `${type}_${n}`;
}

/** Removes a key when the value is empty, so optional fields do not linger as "". */
function patch(obj: Obj, key: string, value: unknown): Obj {
  const out = { ...obj };
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0 && key !== 'labels'))
    delete out[key];
  else out[key] = value;
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : '');
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const toNum = (v: string | number) => (typeof v === 'number' ? v : undefined);

export interface StepProblem {
  readonly stepId?: string | null;
  readonly message: string;
  readonly path?: string;
}

export function TriggersForm({
  triggers,
  onChange,
  disabled,
}: {
  triggers: readonly FlowTrigger[];
  onChange: (t: FlowTrigger[]) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const set = (i: number, next: FlowTrigger) => onChange(triggers.map((x, j) => (j === i ? next : x)));
  return (
    <Stack gap="xs" data-testid="trigger-form">
      <Text fw={600} size="sm">
        {t('flows.triggers')}
      </Text>
      {triggers.map((tr, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here (ids and types are edited in place, keying by them would drop focus while typing)
        <Group key={`${i}-${tr.type}`} gap="xs" align="flex-end" wrap="nowrap" data-testid={`trigger-${i}`}>
          <NativeSelect
            label={t('flowForm.triggerType')}
            data-testid={`trigger-${i}-type`}
            value={tr.type}
            disabled={disabled}
            data={TRIGGER_TYPES.map((v) => ({ value: v, label: t(`flowForm.trigger.${v}`) }))}
            onChange={(e) => {
              const type = e.currentTarget.value;
              set(
                i,
                type === 'keyword'
                  ? { type, match: 'contains', value: str(tr.value) }
                  : type === 'ref'
                    ? { type, value: str(tr.value) }
                    : type === 'default'
                      ? { type }
                      : { type, payload: str(tr.payload) },
              );
            }}
          />
          {tr.type === 'keyword' ? (
            <NativeSelect
              label={t('flowForm.match')}
              data-testid={`trigger-${i}-match`}
              value={str(tr.match) || 'contains'}
              disabled={disabled}
              data={['exact', 'contains', 'regex'].map((v) => ({
                value: v,
                label: t(`flowForm.matchKind.${v}`),
              }))}
              onChange={(e) => set(i, { ...tr, match: e.currentTarget.value })}
            />
          ) : null}
          {tr.type === 'keyword' || tr.type === 'ref' ? (
            <TextInput
              style={{ flex: 1 }}
              label={tr.type === 'keyword' ? t('flowForm.keyword') : t('flowForm.ref')}
              data-testid={`trigger-${i}-value`}
              value={str(tr.value)}
              disabled={disabled}
              onChange={(e) => set(i, { ...tr, value: e.currentTarget.value })}
            />
          ) : tr.type !== 'default' ? (
            <TextInput
              style={{ flex: 1 }}
              label={t('flowForm.payload')}
              data-testid={`trigger-${i}-value`}
              value={str(tr.payload)}
              disabled={disabled}
              onChange={(e) => set(i, patch(tr, 'payload', e.currentTarget.value) as FlowTrigger)}
            />
          ) : (
            <Text size="xs" c="dimmed" style={{ flex: 1 }}>
              {t('flowForm.defaultHint')}
            </Text>
          )}
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('flowForm.remove')}
            disabled={disabled}
            onClick={() => onChange(triggers.filter((_, j) => j !== i))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          size="xs"
          variant="light"
          disabled={disabled}
          data-testid="trigger-add"
          onClick={() => onChange([...triggers, { type: 'keyword', match: 'contains', value: '' }])}
        >
          {t('flowForm.addTrigger')}
        </Button>
      </Group>
    </Stack>
  );
}

function LinkSelect({
  label,
  value,
  others,
  onChange,
  testId,
  disabled,
}: {
  label: string;
  value: unknown;
  others: readonly string[];
  onChange: (v: string) => void;
  testId: string;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const current = str(value);
  const options = [...others];
  // A link to a step that no longer exists stays visible so the person sees what to fix.
  if (current && !options.includes(current)) options.push(current);
  return (
    <NativeSelect
      label={label}
      data-testid={testId}
      value={current}
      disabled={disabled}
      data={[{ value: '', label: t('flowForm.end') }, ...options.map((id) => ({ value: id, label: id }))]}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

/** Quick replies as rows (title, payload); other kinds of quick reply are kept as they are. */
function QuickReplies({
  value,
  onChange,
  disabled,
  tid,
}: {
  value: unknown;
  onChange: (v: Obj[]) => void;
  disabled: boolean;
  tid: string;
}) {
  const { t } = useTranslation();
  const list = (Array.isArray(value) ? value : []) as Obj[];
  const set = (i: number, k: string, v: string) =>
    onChange(list.map((q, j) => (j === i ? { ...q, [k]: v } : q)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t('flowForm.quickReplies')}
      </Text>
      {list.map((q, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (titles are edited in place)
        <Group key={i} gap="xs" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            placeholder={t('flowForm.qrTitle')}
            aria-label={t('flowForm.qrTitle')}
            data-testid={`${tid}-qr-${i}-title`}
            value={str(q.title)}
            maxLength={20}
            disabled={disabled}
            onChange={(e) => set(i, 'title', e.currentTarget.value)}
          />
          <TextInput
            style={{ flex: 1 }}
            placeholder={t('flowForm.payload')}
            aria-label={t('flowForm.payload')}
            data-testid={`${tid}-qr-${i}-payload`}
            value={str(q.payload)}
            disabled={disabled}
            onChange={(e) => set(i, 'payload', e.currentTarget.value)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('flowForm.remove')}
            disabled={disabled}
            onClick={() => onChange(list.filter((_, j) => j !== i))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      {list.length < 13 ? (
        <Group>
          <Button
            size="xs"
            variant="subtle"
            disabled={disabled}
            data-testid={`${tid}-qr-add`}
            onClick={() => onChange([...list, { title: '', payload: '' }])}
          >
            {t('flowForm.addQuickReply')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

function StepFields({
  step,
  others,
  set,
  disabled,
  tid,
}: {
  step: Obj & FlowStep;
  others: readonly string[];
  set: (key: string, value: unknown) => void;
  disabled: boolean;
  tid: string;
}) {
  const { t } = useTranslation();
  const f = (k: string) => t(`flowForm.field.${k}`);
  const text = (k: string, rows = 2) => (
    <Textarea
      label={f(k)}
      data-testid={`${tid}-${k}`}
      value={str(step[k])}
      autosize
      minRows={rows}
      disabled={disabled}
      onChange={(e) => set(k, e.currentTarget.value)}
    />
  );
  const line = (k: string) => (
    <TextInput
      label={f(k)}
      data-testid={`${tid}-${k}`}
      value={str(step[k])}
      disabled={disabled}
      onChange={(e) => set(k, e.currentTarget.value)}
    />
  );
  const count = (k: string) => (
    <NumberInput
      label={f(k)}
      data-testid={`${tid}-${k}`}
      value={num(step[k])}
      placeholder={DEFAULTS_SHOWN[k]}
      min={0}
      disabled={disabled}
      onChange={(v) => set(k, toNum(v))}
    />
  );
  const tags = (k: string) => (
    <TagsInput
      label={f(k)}
      description={t('flowForm.tagsHint')}
      data-testid={`${tid}-${k}`}
      value={strs(step[k])}
      disabled={disabled}
      onChange={(v) => set(k, v)}
    />
  );
  const link = (k: string) => (
    <LinkSelect
      label={f(k)}
      value={step[k]}
      others={others}
      disabled={disabled}
      testId={`${tid}-${k}`}
      onChange={(v) => set(k, v)}
    />
  );
  switch (step.type) {
    case 'send': {
      const message = (step.message ?? {}) as Obj;
      if (message.type !== 'text' && message.type !== undefined)
        return <Alert color="gray">{t('flowForm.jsonOnly', { kind: str(message.type) })}</Alert>;
      return (
        <>
          <Textarea
            label={f('message')}
            description={t('flowForm.messageHint', { example: t('flowForm.messageExample') })}
            data-testid={`${tid}-text`}
            value={str(message.text)}
            autosize
            minRows={2}
            disabled={disabled}
            onChange={(e) => set('message', { ...message, type: 'text', text: e.currentTarget.value })}
          />
          <QuickReplies
            value={message.quickReplies}
            disabled={disabled}
            tid={tid}
            onChange={(v) => set('message', patch({ ...message, type: 'text' }, 'quickReplies', v))}
          />
          <NativeSelect
            label={f('audience')}
            data-testid={`${tid}-audience`}
            value={str(step.audience) || 'everyone'}
            disabled={disabled}
            data={['everyone', 'subscribers'].map((v) => ({ value: v, label: t(`flowForm.audience.${v}`) }))}
            onChange={(e) =>
              set('audience', e.currentTarget.value === 'everyone' ? undefined : e.currentTarget.value)
            }
          />
        </>
      );
    }
    case 'ask':
      return (
        <>
          {text('text')}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {line('field')}
            <NativeSelect
              label={f('validate')}
              data-testid={`${tid}-validate`}
              value={str(step.validate) || 'text'}
              disabled={disabled}
              data={VALIDATIONS.map((v) => ({ value: v, label: t(`flowForm.validation.${v}`) }))}
              onChange={(e) => set('validate', e.currentTarget.value)}
            />
          </SimpleGrid>
          {step.validate === 'choice' ? tags('choices') : null}
          <QuickReplies
            value={step.quickReplies}
            disabled={disabled}
            tid={tid}
            onChange={(v) => set('quickReplies', v)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {count('retries')}
            {link('fallback')}
          </SimpleGrid>
          {text('reprompt', 1)}
        </>
      );
    case 'condition': {
      const branches = (Array.isArray(step.branches) ? step.branches : []) as Obj[];
      return (
        <>
          <Text size="xs" c="dimmed">
            {t('flowForm.branchesHint')}
          </Text>
          {branches.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here (ids and types are edited in place, keying by them would drop focus while typing)
            <Group key={`${i}-${JSON.stringify(b.if)}`} gap="xs" align="flex-end">
              <Text size="sm" style={{ flex: 1 }}>
                {t('flowForm.branch', { n: i + 1 })}: <code>{JSON.stringify(b.if ?? [])}</code>
              </Text>
              <LinkSelect
                label={f('next')}
                value={b.next}
                others={others}
                disabled={disabled}
                testId={`${tid}-branch-${i}`}
                onChange={(v) =>
                  set(
                    'branches',
                    branches.map((x, j) => (j === i ? { ...x, next: v } : x)),
                  )
                }
              />
            </Group>
          ))}
          {link('else')}
        </>
      );
    }
    case 'add_label':
    case 'remove_label':
      return tags('labels');
    case 'set_field':
      return (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {line('field')}
          <TextInput
            label={f('value')}
            data-testid={`${tid}-value`}
            value={step.value === null || step.value === undefined ? '' : String(step.value)}
            disabled={disabled}
            onChange={(e) => set('value', e.currentTarget.value)}
          />
        </SimpleGrid>
      );
    case 'delay':
      return (
        <SimpleGrid cols={3}>
          {count('days')}
          {count('hours')}
          {count('minutes')}
        </SimpleGrid>
      );
    case 'start_sequence':
    case 'stop_sequence':
      return line('sequenceId');
    case 'handoff':
      return (
        <Text size="xs" c="dimmed">
          {t('flowForm.handoffHint')}
        </Text>
      );
    case 'webhook':
      return (
        <>
          {line('url')}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {count('timeoutMs')}
            {count('retries')}
            {link('onError')}
          </SimpleGrid>
        </>
      );
    case 'optin_request':
      return (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {line('title')}
            {line('payload')}
            {line('imageUrl')}
            <NativeSelect
              label={f('ctaText')}
              data-testid={`${tid}-ctaText`}
              value={str(step.ctaText)}
              disabled={disabled}
              data={CTA_TEXTS.map((v) => ({ value: v, label: v || '—' }))}
              onChange={(e) => set('ctaText', e.currentTarget.value)}
            />
          </SimpleGrid>
        </>
      );
    case 'utility_template':
      return (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {line('name')}
            {line('language')}
          </SimpleGrid>
          {tags('parameters')}
        </>
      );
    case 'goal':
      return line('name');
    default:
      return <Alert color="gray">{t('flowForm.unknownType', { type: step.type })}</Alert>;
  }
}

export function StepsForm({
  steps,
  onChange,
  problems,
  disabled,
}: {
  steps: readonly FlowStep[];
  onChange: (s: FlowStep[]) => void;
  problems: readonly StepProblem[];
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const [newType, setNewType] = useState<string>('send');
  const ids = steps.map((s) => s.id);
  const replace = (i: number, next: FlowStep) => onChange(steps.map((s, j) => (j === i ? next : s)));
  const move = (i: number, by: number) => {
    const out = [...steps];
    const [s] = out.splice(i, 1);
    out.splice(i + by, 0, s!);
    onChange(out);
  };
  const rename = (i: number, id: string) => {
    const old = steps[i]!.id;
    // Links follow the rename, so the graph does not break while someone types a better id.
    const relink = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(relink)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v).map(([k, x]) => [
                k,
                ['next', 'fallback', 'else', 'onError'].includes(k) && x === old ? id : relink(x),
              ]),
            )
          : v;
    onChange(steps.map((s, j) => (j === i ? { ...s, id } : (relink(s) as FlowStep))));
  };
  return (
    <Stack gap="sm" data-testid="step-form">
      <Text fw={600} size="sm">
        {t('flowForm.steps')}
      </Text>
      {steps.map((step, i) => {
        const tid = `step-${i}`;
        const others = ids.filter((id) => id !== step.id);
        const mine = problems.filter((p) => p.stepId === step.id);
        return (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here (ids and types are edited in place, keying by them would drop focus while typing)
            key={`${i}-${step.type}`}
            withBorder
            padding="sm"
            data-testid={tid}
            style={mine.length ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}
          >
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap">
                  <Badge variant="light">{i + 1}</Badge>
                  <Badge>{t(`flowForm.type.${step.type}`, { defaultValue: step.type })}</Badge>
                  {i === 0 ? (
                    <Badge variant="outline" color="teal">
                      {t('flowForm.start')}
                    </Badge>
                  ) : null}
                </Group>
                <Group gap={4} wrap="nowrap">
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('flowForm.moveUp')}
                    disabled={disabled || i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('flowForm.moveDown')}
                    disabled={disabled || i === steps.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('flowForm.remove')}
                    data-testid={`${tid}-remove`}
                    disabled={disabled}
                    onClick={() => onChange(steps.filter((_, j) => j !== i))}
                  >
                    ✕
                  </ActionIcon>
                </Group>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('flowForm.id')}
                  data-testid={`${tid}-id`}
                  value={step.id}
                  disabled={disabled}
                  onChange={(e) => rename(i, e.currentTarget.value)}
                />
                {step.type === 'condition' ? null : (
                  <LinkSelect
                    label={t('flowForm.field.next')}
                    value={step.next}
                    others={others}
                    disabled={disabled}
                    testId={`${tid}-next`}
                    onChange={(v) => replace(i, patch(step, 'next', v) as FlowStep)}
                  />
                )}
              </SimpleGrid>
              <StepFields
                step={step as Obj & FlowStep}
                others={others}
                disabled={disabled}
                tid={tid}
                set={(k, v) => replace(i, patch(step, k, v) as FlowStep)}
              />
              {mine.length > 0 ? (
                <Alert color="red" p="xs" data-testid={`${tid}-problems`}>
                  <List size="sm">
                    {mine.map((p) => (
                      <List.Item key={`${p.path}-${p.message}`}>
                        {p.path ? `${p.path}: ${p.message}` : p.message}
                      </List.Item>
                    ))}
                  </List>
                </Alert>
              ) : null}
            </Stack>
          </Card>
        );
      })}
      <Group gap="xs" align="flex-end">
        <NativeSelect
          label={t('flowForm.newStepType')}
          data-testid="step-add-type"
          value={newType}
          disabled={disabled}
          data={STEP_TYPES.map((v) => ({ value: v, label: t(`flowForm.type.${v}`) }))}
          onChange={(e) => setNewType(e.currentTarget.value)}
        />
        <Button
          variant="light"
          disabled={disabled}
          data-testid="step-add"
          onClick={() => {
            const id = freshId(newType, steps);
            // The new step follows the last one when that one had nowhere to go: the usual way to build.
            const last = steps.at(-1);
            const before =
              last && !last.next && last.type !== 'condition'
                ? [...steps.slice(0, -1), { ...last, next: id }]
                : [...steps];
            onChange([...before, { id, type: newType, ...defaultsFor(newType) }]);
          }}
        >
          {t('flowForm.addStep')}
        </Button>
      </Group>
    </Stack>
  );
}
