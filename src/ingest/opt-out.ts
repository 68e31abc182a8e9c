/**
 * Opt-out and opt-back-in keywords (es, en, pt, it). Only a message that IS the keyword counts
 * ("BAJA", "stop!", "Darse de baja"), never one that merely contains it ("no quiero cancelar mi
 * pedido"), so a customer's question never unsubscribes them by accident. Pure.
 */
export type KeywordIntent = 'opt_out' | 'opt_in';

const OPT_OUT = [
  'stop',
  'stop all',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'opt out',
  'optout',
  'baja',
  'darse de baja',
  'dar de baja',
  'darme de baja',
  'parar',
  'cancelar',
  'no mas',
  'no mas mensajes',
  'basta',
  'sair',
  'cancelar inscricao',
  'descadastrar',
  'parar mensagens',
  'annulla',
  'cancella',
  'disiscrivi',
  'disiscriviti',
  'stop messaggi',
];
const OPT_IN = [
  'start',
  'subscribe',
  'resume',
  'unstop',
  'opt in',
  'optin',
  'alta',
  'darse de alta',
  'dar de alta',
  'suscribir',
  'suscribirme',
  'reanudar',
  'voltar',
  'assinar',
  'inscrever',
  'retomar',
  'iscrivi',
  'iscriviti',
  'riprendi',
  'riattiva',
];

function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const OUT = new Set(OPT_OUT);
const IN = new Set(OPT_IN);

/** The intent of a message that consists of an opt-out or opt-in keyword, else null. */
export function keywordIntent(text: string | null | undefined): KeywordIntent | null {
  if (!text || text.length > 40) return null;
  const n = normalize(text);
  if (OUT.has(n)) return 'opt_out';
  if (IN.has(n)) return 'opt_in';
  return null;
}

/** The confirmation a person gets, in their language (from the Messenger locale, e.g. "es_ES"). */
export function keywordConfirmation(intent: KeywordIntent, locale: string | null): string {
  const lang = (locale ?? 'en').slice(0, 2).toLowerCase();
  const texts: Record<string, Record<KeywordIntent, string>> = {
    es: {
      opt_out:
        'Listo: ya no recibirás mensajes de marketing de esta Página. Escribe ALTA para volver a suscribirte.',
      opt_in: '¡Hecho! Vuelves a estar suscrito a nuestras novedades. Escribe BAJA cuando quieras dejarlas.',
    },
    pt: {
      opt_out:
        'Pronto: você não receberá mais mensagens de marketing desta Página. Escreva VOLTAR para se inscrever de novo.',
      opt_in: 'Feito! Você voltou a receber nossas novidades. Escreva SAIR quando quiser parar.',
    },
    it: {
      opt_out:
        'Fatto: non riceverai più messaggi di marketing da questa Pagina. Scrivi ISCRIVITI per tornare.',
      opt_in: 'Fatto! Sei di nuovo iscritto alle nostre novità. Scrivi STOP quando vuoi smettere.',
    },
    en: {
      opt_out:
        'Done: you will no longer get marketing messages from this Page. Reply START to subscribe again.',
      opt_in: 'Done! You are subscribed to our updates again. Reply STOP any time to leave.',
    },
  };
  return (texts[lang] ?? texts.en!)[intent];
}
