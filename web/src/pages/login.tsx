/**
 * Outside the dashboard: the one-time setup (first owner), the login with email and password, and
 * the installation API token (the door on servers without accounts, and for CLI users).
 */
import {
  Alert,
  Anchor,
  Button,
  Center,
  Divider,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  acceptInvitation,
  loginWithPassword,
  loginWithToken,
  type SessionState,
  setupOwner,
} from '../api/auth.ts';
import { ApiError } from '../api/http.ts';
import { LanguageSwitch } from '../components/Shell.tsx';

function messageOf(error: unknown): string | null {
  if (!error) return null;
  return error instanceof Error ? error.message : String(error);
}

function TokenForm({ primary }: { primary: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [token, setToken] = useState('');
  const [refused, setRefused] = useState(false);
  const m = useMutation({
    mutationFn: () => loginWithToken(token),
    meta: { quiet: true },
    onSuccess: (ok) => {
      setRefused(!ok);
      if (ok) void client.invalidateQueries({ queryKey: ['session'] });
    },
  });
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="sm">
        {primary ? null : <Divider label={t('login.orToken')} />}
        <PasswordInput
          label={t('login.apiToken')}
          description={t('login.apiTokenHint')}
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          data-testid="login-token"
          required
        />
        {refused ? <Alert color="red">{t('login.tokenRefused')}</Alert> : null}
        {m.error ? <Alert color="red">{messageOf(m.error)}</Alert> : null}
        <Button
          type="submit"
          loading={m.isPending}
          variant={primary ? 'filled' : 'light'}
          data-testid="login-token-submit"
        >
          {t('login.signInWithToken')}
        </Button>
      </Stack>
    </form>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const m = useMutation({
    mutationFn: () => loginWithPassword(email, password),
    meta: { quiet: true },
    onSuccess: () => client.invalidateQueries({ queryKey: ['session'] }),
  });
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="sm">
        <TextInput
          label={t('login.email')}
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          required
          data-testid="login-email"
        />
        <PasswordInput
          label={t('login.password')}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
          data-testid="login-password"
        />
        {m.error ? <Alert color="red">{messageOf(m.error)}</Alert> : null}
        <Button type="submit" loading={m.isPending} data-testid="login-submit">
          {t('login.signIn')}
        </Button>
      </Stack>
    </form>
  );
}

/** `?token=` of the address (the setup link and the invitation link carry their one-time token). */
function tokenInAddress(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

function SetupForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState({
    token: tokenInAddress(),
    name: '',
    email: '',
    password: '',
    workspaceName: '',
  });
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const m = useMutation({
    mutationFn: () =>
      setupOwner({ ...form, workspaceName: form.workspaceName || undefined } as Parameters<
        typeof setupOwner
      >[0]),
    meta: { quiet: true },
    onSuccess: async () => {
      // The one-time link has done its job: the address no longer carries the (spent) token.
      await navigate({ to: '/', replace: true });
      await client.invalidateQueries({ queryKey: ['session'] });
    },
  });
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('setup.intro')}
        </Text>
        <PasswordInput
          label={t('setup.token')}
          description={t('setup.tokenHint')}
          value={form.token}
          onChange={set('token')}
          required
          data-testid="setup-token"
        />
        <TextInput
          label={t('setup.name')}
          value={form.name}
          onChange={set('name')}
          required
          data-testid="setup-name"
        />
        <TextInput
          label={t('login.email')}
          type="email"
          value={form.email}
          onChange={set('email')}
          required
          data-testid="setup-email"
        />
        <PasswordInput
          label={t('login.password')}
          description={t('setup.passwordHint')}
          value={form.password}
          onChange={set('password')}
          required
          minLength={10}
          data-testid="setup-password"
        />
        <TextInput
          label={t('setup.workspace')}
          placeholder="Ventana"
          value={form.workspaceName}
          onChange={set('workspaceName')}
        />
        {m.error ? <Alert color="red">{messageOf(m.error)}</Alert> : null}
        <Button type="submit" loading={m.isPending} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Stack>
    </form>
  );
}

export function LoginPage({
  state,
  error,
}: {
  state: Exclude<SessionState, { kind: 'in' }>;
  error: unknown;
}) {
  const { t } = useTranslation();
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%" radius="md">
        <Group justify="space-between" mb="md">
          <Title order={2} c="indigo">
            Ventana
          </Title>
          <LanguageSwitch />
        </Group>
        <Text c="dimmed" size="sm" mb="lg">
          {state.kind === 'setup' ? t('setup.title') : t('login.title')}
        </Text>
        {error ? (
          <Alert color="red" mb="md" title={t('errors.title')}>
            {error instanceof ApiError ? error.message : t('errors.unreachable')}
          </Alert>
        ) : null}
        {state.kind === 'setup' ? (
          <SetupForm />
        ) : (
          <Stack>
            {state.accounts ? <PasswordForm /> : null}
            <TokenForm primary={!state.accounts} />
            {state.accounts ? null : (
              <Text size="xs" c="dimmed">
                {t('login.tokenWhere')}{' '}
                <Anchor size="xs" component="span">
                  ventana start
                </Anchor>
              </Text>
            )}
          </Stack>
        )}
      </Paper>
    </Center>
  );
}

/**
 * `/invitations/accept?token=…`: the link an admin passed on. A new person chooses a name and a
 * password; someone who already has an account confirms with their current password.
 */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [token] = useState(tokenInAddress);
  const [existing, setExisting] = useState(false);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const m = useMutation({
    mutationFn: () => acceptInvitation({ token, password, ...(existing ? {} : { name }) }),
    meta: { quiet: true },
    onSuccess: async () => {
      await navigate({ to: '/', replace: true });
      await client.invalidateQueries({ queryKey: ['session'] });
    },
  });
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%" radius="md">
        <Group justify="space-between" mb="md">
          <Title order={2} c="indigo">
            Ventana
          </Title>
          <LanguageSwitch />
        </Group>
        <Text c="dimmed" size="sm" mb="lg">
          {t('invitation.title')}
        </Text>
        {token === '' ? (
          <Alert color="red">{t('invitation.noToken')}</Alert>
        ) : (
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              m.mutate();
            }}
          >
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {existing ? t('invitation.existingIntro') : t('invitation.newIntro')}
              </Text>
              {existing ? null : (
                <TextInput
                  label={t('setup.name')}
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  required
                  data-testid="invitation-name"
                />
              )}
              <PasswordInput
                label={existing ? t('invitation.currentPassword') : t('login.password')}
                description={existing ? undefined : t('setup.passwordHint')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                data-testid="invitation-password"
              />
              {m.error ? <Alert color="red">{messageOf(m.error)}</Alert> : null}
              <Button type="submit" loading={m.isPending} data-testid="invitation-submit">
                {t('invitation.submit')}
              </Button>
              <Anchor component="button" type="button" size="sm" onClick={() => setExisting(!existing)}>
                {existing ? t('invitation.iAmNew') : t('invitation.iHaveAccount')}
              </Anchor>
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
