/**
 * The first-start questions on a terminal: email, name and the password twice, the password typed
 * without echo. Each answer is checked like the API checks it, and asked again when wrong.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { accountsText } from '../accounts/messages.ts';
import { PASSWORD_MIN } from '../accounts/passwords.ts';
import { type Parsed, parseEmail, parseName, parsePassword } from '../accounts/validate.ts';
import type { Lang } from '../policy/index.ts';

export interface OwnerAnswers {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

const WORDS = {
  es: {
    intro: 'Ventana aún no tiene propietario. Créalo ahora (Ctrl+D para hacerlo luego en la web):',
    email: 'Correo: ',
    name: 'Nombre: ',
    password: `Contraseña (mínimo ${PASSWORD_MIN} caracteres): `,
    again: 'Repite la contraseña: ',
    mismatch: 'Las contraseñas no coinciden.',
  },
  en: {
    intro: 'Ventana has no owner yet. Create it now (Ctrl+D to do it later on the web):',
    email: 'Email: ',
    name: 'Name: ',
    password: `Password (at least ${PASSWORD_MIN} characters): `,
    again: 'Password again: ',
    mismatch: 'The passwords do not match.',
  },
} as const;

/** Asks on `input`/`output`; resolves null when the input ends before every answer is given. */
export async function promptFirstOwner(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  lang: Lang,
): Promise<OwnerAnswers | null> {
  const w = WORDS[lang];
  let muted = false;
  // Everything readline echoes goes through here; while a password is typed, nothing does.
  const sink = new Writable({
    write(chunk, _enc, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = createInterface({
    input,
    output: sink,
    terminal: (input as { isTTY?: boolean }).isTTY === true,
  });
  let closed = false;
  const pending: ((v: string | null) => void)[] = [];
  rl.on('close', () => {
    closed = true;
    for (const p of pending.splice(0)) p(null);
  });
  const ask = (question: string, hidden = false): Promise<string | null> =>
    new Promise((resolve) => {
      if (closed) return resolve(null);
      pending.push(resolve);
      rl.question(question, (answer) => {
        pending.splice(pending.indexOf(resolve), 1);
        if (hidden) {
          muted = false;
          output.write('\n');
        }
        resolve(answer);
      });
      muted = hidden;
    });
  const until = async <T>(
    question: string,
    parse: (v: string) => Parsed<T>,
    hidden = false,
  ): Promise<T | null> => {
    for (;;) {
      const answer = await ask(question, hidden);
      if (answer === null) return null;
      const r = parse(hidden ? answer : answer.trim());
      if (r.ok) return r.value;
      const p = r.problem;
      output.write(
        `${p.code === 'password_too_short' ? accountsText(p.code, lang, { min: p.min }) : accountsText('invalid_field', lang, { field: p.field })}\n`,
      );
    }
  };
  try {
    output.write(`${w.intro}\n`);
    const email = await until(w.email, (v) => parseEmail(v));
    if (email === null) return null;
    const name = await until(w.name, (v) => parseName(v));
    if (name === null) return null;
    for (;;) {
      const password = await until(w.password, (v) => parsePassword(v), true);
      if (password === null) return null;
      const again = await ask(w.again, true);
      if (again === null) return null;
      if (again === password) return { email, name, password };
      output.write(`${w.mismatch}\n`);
    }
  } finally {
    rl.close();
  }
}
