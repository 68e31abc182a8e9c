/**
 * Meta's checks on a Messenger Profile write (reference §5.5): the simulator refuses what Graph
 * refuses, with `(#100)` messages naming the parameter. Applied to the profile as it would be after
 * the write, because some rules relate fields (a persistent menu needs a Get Started button).
 */
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LOCALE = /^(default|[a-z]{2}_[A-Z]{2})$/;

function localeProblem(list: unknown, field: string): string | null {
  if (!Array.isArray(list)) return `param ${field} must be an array`;
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    const locale = isObj(item) ? (item.locale ?? 'default') : undefined;
    if (typeof locale !== 'string' || !LOCALE.test(locale))
      return `param ${field}[${i}][locale] is not a valid locale`;
    if (seen.has(locale)) return `param ${field} has the locale ${locale} twice`;
    seen.add(locale);
  }
  if (list.length > 0 && !seen.has('default')) return `param ${field} must have a default locale`;
  return null;
}

function buttonProblem(b: unknown, path: string): string | null {
  if (!isObj(b)) return `param ${path} must be an object`;
  if (b.type === 'nested') return `param ${path}[type] nested menus are no longer supported`;
  if (b.type !== 'web_url' && b.type !== 'postback')
    return `param ${path}[type] must be one of {web_url, postback}`;
  if (typeof b.title !== 'string' || b.title === '' || b.title.length > 30)
    return `param ${path}[title] must be 1 to 30 characters`;
  if (b.type === 'web_url' && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)))
    return `param ${path}[url] must be a valid URL`;
  if (b.type === 'postback' && (typeof b.payload !== 'string' || b.payload === '' || b.payload.length > 1000))
    return `param ${path}[payload] must be 1 to 1000 characters`;
  return null;
}

/** The first problem Graph would report for this profile, or null when it accepts it. */
export function profileProblem(p: Obj): string | null {
  const gs = p.get_started;
  if (gs !== undefined) {
    if (!isObj(gs) || typeof gs.payload !== 'string' || gs.payload === '' || gs.payload.length > 1000)
      return 'param get_started[payload] must be 1 to 1000 characters';
  }
  if (p.greeting !== undefined) {
    const problem = localeProblem(p.greeting, 'greeting');
    if (problem) return problem;
    for (const [i, g] of (p.greeting as unknown[]).entries()) {
      if (!isObj(g) || typeof g.text !== 'string' || g.text === '')
        return `param greeting[${i}][text] is required`;
      if (g.text.length > 160) return `param greeting[${i}][text] must be at most 160 characters long`;
    }
  }
  if (p.ice_breakers !== undefined) {
    const ib = p.ice_breakers;
    // Two shapes: the localised one `[{locale, call_to_actions:[…]}]` and the old flat list.
    const localised = Array.isArray(ib) && ib.every((x) => isObj(x) && Array.isArray(x.call_to_actions));
    const groups: { items: unknown; path: string }[] = localised
      ? (ib as Obj[]).map((g, i) => ({
          items: g.call_to_actions,
          path: `ice_breakers[${i}][call_to_actions]`,
        }))
      : [{ items: ib, path: 'ice_breakers' }];
    if (localised) {
      const problem = localeProblem(ib, 'ice_breakers');
      if (problem) return problem;
    }
    for (const g of groups) {
      if (!Array.isArray(g.items) || g.items.length === 0 || g.items.length > 4)
        return `param ${g.path} must have 1 to 4 questions`;
      for (const [i, q] of g.items.entries()) {
        if (!isObj(q) || typeof q.question !== 'string' || q.question === '' || q.question.length > 80)
          return `param ${g.path}[${i}][question] must be 1 to 80 characters`;
        if (typeof q.payload !== 'string' || q.payload === '' || q.payload.length > 1000)
          return `param ${g.path}[${i}][payload] must be 1 to 1000 characters`;
      }
    }
  }
  const menu = p.persistent_menu;
  if (menu !== undefined) {
    if (p.get_started === undefined)
      return 'You must set a Get Started button if you also wish to use persistent menu.';
    const problem = localeProblem(menu, 'persistent_menu');
    if (problem) return problem;
    for (const [i, m] of (menu as unknown[]).entries()) {
      const actions = isObj(m) ? m.call_to_actions : undefined;
      const disabled = isObj(m) && m.composer_input_disabled === true;
      if (!Array.isArray(actions) || (actions.length === 0 && !disabled))
        return `param persistent_menu[${i}][call_to_actions] is required`;
      if (actions.length > 20)
        return `param persistent_menu[${i}][call_to_actions] must have at most 20 items`;
      for (const [j, b] of actions.entries()) {
        const bp = buttonProblem(b, `persistent_menu[${i}][call_to_actions][${j}]`);
        if (bp) return bp;
      }
    }
  }
  return null;
}
