/** Every word a person reads from the accounts and Pages API, in Spanish and English, keyed by code. */
import type { Lang } from '../policy/index.ts';

export type AccountsCode =
  | 'unauthorized'
  | 'invalid_credentials'
  | 'too_many_attempts'
  | 'csrf_invalid'
  | 'not_a_member'
  | 'session_required'
  | 'invalid_field'
  | 'email_taken'
  | 'password_too_short'
  | 'setup_not_needed'
  | 'setup_token_invalid'
  | 'invitation_invalid'
  | 'invitation_not_found'
  | 'wrong_password'
  | 'member_not_found'
  | 'last_owner'
  | 'role_too_high'
  | 'api_key_not_found'
  | 'session_not_found'
  | 'page_not_found'
  | 'page_in_other_workspace';

type Params = Readonly<Record<string, string | number>>;
type Render = (p: Params) => string;

const MESSAGES: Record<AccountsCode, Record<Lang, Render>> = {
  unauthorized: {
    es: () => 'Inicia sesión o envía un token de la API válido (Authorization: Bearer …)',
    en: () => 'Log in or send a valid API token (Authorization: Bearer …)',
  },
  invalid_credentials: {
    es: () => 'El correo o la contraseña no son correctos',
    en: () => 'The email or the password is not correct',
  },
  too_many_attempts: {
    es: (p) => `Demasiados intentos fallidos. Vuelve a probar dentro de ${p.seconds} s`,
    en: (p) => `Too many failed attempts. Try again in ${p.seconds} s`,
  },
  csrf_invalid: {
    es: () => 'Falta la cabecera x-csrf-token o no corresponde a tu sesión',
    en: () => 'The x-csrf-token header is missing or does not match your session',
  },
  not_a_member: {
    es: () => 'No perteneces a ese espacio de trabajo',
    en: () => 'You are not a member of that workspace',
  },
  session_required: {
    es: () => 'Esto necesita una sesión iniciada por una persona (no una clave de la API)',
    en: () => 'This needs a person’s logged-in session (not an API key)',
  },
  invalid_field: {
    es: (p) => `El campo «${p.field}» no es válido${p.hint ? `: ${p.hint}` : ''}`,
    en: (p) => `The "${p.field}" field is not valid${p.hint ? `: ${p.hint}` : ''}`,
  },
  email_taken: {
    es: () => 'Ya existe una cuenta con ese correo',
    en: () => 'An account with that email already exists',
  },
  password_too_short: {
    es: (p) => `La contraseña debe tener al menos ${p.min} caracteres`,
    en: (p) => `The password must have at least ${p.min} characters`,
  },
  setup_not_needed: {
    es: () => 'Ventana ya tiene propietario: inicia sesión',
    en: () => 'Ventana already has an owner: log in',
  },
  setup_token_invalid: {
    es: () => 'El token de configuración no es válido o ya se usó (mira el mensaje de «ventana start»)',
    en: () => 'The setup token is not valid or was already used (see the output of "ventana start")',
  },
  invitation_invalid: {
    es: () => 'La invitación no existe, ha caducado o ya se usó',
    en: () => 'The invitation does not exist, has expired or was already used',
  },
  invitation_not_found: {
    es: (p) => `No hay ninguna invitación pendiente ${p.id}`,
    en: (p) => `No pending invitation ${p.id}`,
  },
  wrong_password: {
    es: () => 'Ya tienes cuenta con ese correo: escribe tu contraseña para aceptar la invitación',
    en: () => 'You already have an account with that email: enter your password to accept the invitation',
  },
  member_not_found: {
    es: (p) => `${p.id} no es miembro de este espacio de trabajo`,
    en: (p) => `${p.id} is not a member of this workspace`,
  },
  last_owner: {
    es: () => 'El espacio de trabajo necesita al menos un propietario',
    en: () => 'The workspace needs at least one owner',
  },
  role_too_high: {
    es: (p) => `No puedes dar el rol ${p.role}: es superior al tuyo`,
    en: (p) => `You cannot grant the ${p.role} role: it is above yours`,
  },
  api_key_not_found: {
    es: (p) => `No hay ninguna clave de la API activa ${p.id}`,
    en: (p) => `No active API key ${p.id}`,
  },
  session_not_found: {
    es: (p) => `No hay ninguna sesión activa ${p.id}`,
    en: (p) => `No active session ${p.id}`,
  },
  page_not_found: {
    es: (p) => `No hay ninguna Página ${p.id} en este espacio de trabajo`,
    en: (p) => `No Page ${p.id} in this workspace`,
  },
  page_in_other_workspace: {
    es: (p) => `La Página ${p.id} ya está conectada a otro espacio de trabajo`,
    en: (p) => `Page ${p.id} is already connected to another workspace`,
  },
};

export const ACCOUNTS_CODES = Object.keys(MESSAGES) as readonly AccountsCode[];

export function accountsText(code: AccountsCode, lang: Lang, params: Params = {}): string {
  return MESSAGES[code][lang](params);
}
