import type { Catalog } from './catalog.ts';

/** Spanish words for every policy code. `{name}` is replaced by the parameter; `{at}` is a formatted moment. */
export const es: Catalog = {
  reasons: {
    outside_window: 'La ventana de 24 horas se cerró {at}: la persona no ha escrito desde entonces.',
    promotional_content:
      'El mensaje es promocional; fuera de la ventana las promociones necesitan una vía de marketing.',
    tag_deprecated: 'Meta ya no acepta la etiqueta {tag} (error 100); no se puede usar.',
    tag_unknown: '{tag} no es una etiqueta de mensaje que Meta acepte con estas reglas.',
    tag_requires_non_promotional:
      'La etiqueta {tag} solo admite contenido no promocional, y este mensaje es promocional.',
    tag_window_expired:
      'La etiqueta {tag} solo se puede usar hasta {days} días después del último mensaje de la persona.',
    human_agent_requires_human:
      'HUMAN_AGENT es solo para mensajes escritos por una persona de tu equipo, nunca por un bot o una IA.',
    human_agent_window_expired: 'Un agente podía responder hasta {at}; ese plazo ya pasó.',
    human_agent_not_approved: 'La Página no tiene el permiso Human Agent (revisión de la app).',
    utility_not_enabled: 'La Página no tiene el permiso {permission} que exigen las plantillas de utilidad.',
    utility_requires_template:
      'Por esta vía solo van plantillas UTILITY aprobadas; esta plantilla es {category}.',
    utility_not_available: 'Las plantillas de utilidad no existían con estas reglas.',
    marketing_not_subscribed: 'La persona no se ha suscrito a los mensajes de marketing.',
    marketing_not_enabled: 'La Página no está configurada para la API de mensajes de marketing.',
    marketing_cooldown:
      'Solo un mensaje de marketing cada {hours} horas por persona; el siguiente puede salir {at}.',
    marketing_region_ineligible: 'Los mensajes de marketing no llegan a este país ({country}).',
    marketing_token_expired: 'La suscripción de marketing de la persona caducó {at}.',
    marketing_not_available: 'Los mensajes de marketing no existían con estas reglas.',
    legacy_token_missing: 'La persona no tiene un token de notificaciones activo.',
    legacy_token_expired: 'El token de notificaciones de la persona caducó {at}.',
    legacy_region_ineligible:
      'Los tokens de notificaciones solo sirven para personas de Australia, la UE, Japón, Corea del Sur y Reino Unido ({country}).',
    legacy_cooldown: 'Solo una notificación cada {hours} horas por token; la siguiente puede salir {at}.',
    legacy_not_available: 'Los tokens de notificaciones no están disponibles con estas reglas.',
    one_time_token_missing: 'La persona no ha pedido que se le avise.',
    one_time_token_used: 'El aviso único de la persona ya se usó {at}.',
    one_time_token_expired: 'El token de aviso único de la persona tiene más de un año.',
    one_time_not_available: 'Los avisos únicos no están disponibles con estas reglas.',
    private_reply_used: 'Este comentario ya recibió su única respuesta privada.',
    private_reply_expired:
      'Las respuestas privadas deben enviarse en los {days} días siguientes al comentario; el plazo terminó {at}.',
    not_news_page: 'Solo las Páginas del News Page Index pueden enviar mensajes de noticias.',
    news_requires_non_promotional:
      'Los mensajes de noticias no pueden llevar ofertas, promociones ni contenido de marca.',
    customer_feedback_requires_template:
      'CUSTOMER_FEEDBACK solo se puede usar con la plantilla de opinión del cliente.',
    customer_feedback_window_expired:
      'Las encuestas de opinión deben enviarse en los {days} días siguientes al último mensaje de la persona.',
    sponsored_not_send_api: 'Los mensajes patrocinados son anuncios de pago y no se envían por la Send API.',
    contact_blocked: 'La persona ha bloqueado la Página o no puede recibir mensajes.',
    contact_opted_out:
      'La persona se dio de baja del marketing: puede recibir respuestas, nunca promociones.',
    page_restricted:
      'Meta ha restringido el envío de mensajes de esta Página; no puede salir nada hasta que se levante.',
    no_inbound_yet: 'La persona nunca ha escrito a la Página, así que no hay ventana en la que responder.',
    template_not_approved:
      'Meta no ha aprobado la plantilla {name} (estado {status}); solo se pueden enviar plantillas aprobadas.',
    optin_request_outside_window:
      'La petición de suscripción a marketing solo puede enviarse con la ventana de 24 horas abierta.',
    marketing_paused: 'Meta limitó los mensajes de marketing a esta persona; el siguiente puede salir {at}.',
  },
  alternatives: {
    send_before_window_closes: 'Envíalo antes de {at}, mientras la ventana está abierta.',
    wait_for_inbound: 'Espera a que la persona vuelva a escribir: eso reabre la ventana 24 horas.',
    ask_marketing_optin:
      'Pide la suscripción a mensajes de marketing la próxima vez que la ventana esté abierta.',
    use_marketing_message: 'Envíalo como mensaje de marketing a partir de {at}.',
    use_legacy_notification: 'Envíalo con el token de notificaciones a partir de {at}.',
    use_one_time_notification: 'Usa el aviso único de la persona.',
    use_utility_template:
      'Si trata de un pedido, una cuenta o una cita, usa una plantilla de utilidad aprobada.',
    human_agent_reply: 'Una persona de tu equipo puede responder con HUMAN_AGENT hasta {at}.',
    remove_promotional_content:
      'Quita el contenido promocional (ofertas, precios, enlaces a la tienda) para usar una vía no promocional.',
    paid_reach:
      'Esto necesita alcance de pago: un anuncio Click-to-Messenger o la API de mensajes de marketing.',
    use_private_reply: 'Responde al comentario con una única respuesta privada.',
    use_message_tag: 'Si encaja en el uso de una etiqueta, etiquétalo: {tags}.',
  },
  notes: {
    tag_dropped_inside_window:
      'La ventana está abierta, así que el mensaje sale como estándar, sin la etiqueta {tag}.',
    ctm_window_applied: 'La persona llegó desde un anuncio Click-to-Messenger: la ventana dura hasta {at}.',
    window_closed_by_graph:
      'Meta respondió «fuera de la ventana permitida» {at}; la ventana está cerrada diga lo que diga el reloj.',
    uncertain_rule: 'Esta vía depende de una regla que los documentos de Meta dejan en duda ({rule}).',
    opted_out_non_promotional:
      'La persona se dio de baja del marketing; este mensaje no promocional sí puede salir.',
  },
  routes: {
    standard: 'ventana estándar',
    message_tag: 'etiqueta de mensaje',
    human_agent: 'agente humano',
    utility: 'plantilla de utilidad',
    marketing_message: 'mensaje de marketing',
    legacy_notification: 'token de notificaciones',
    one_time_notification: 'aviso único',
    private_reply: 'respuesta privada',
    news_subscription: 'suscripción de noticias',
    customer_feedback: 'opinión del cliente',
    sponsored_message: 'mensaje patrocinado',
  },
  words: {
    allowed: 'Se puede enviar',
    refused: 'No se puede enviar',
    via: 'por',
    why: 'Por qué',
    instead: 'Qué puedes hacer',
    notes: 'Conviene saber',
    window: 'Ventana',
    windowOpenUntil: 'abierta hasta {at}',
    windowClosed: 'cerrada desde {at}',
    windowNever: 'nunca se abrió',
    promotional: 'Promocional',
    yes: 'sí',
    no: 'no',
    signals: 'señales',
    rules: 'Reglas',
    today: 'hoy a las {time}',
    tomorrow: 'mañana a las {time}',
    yesterday: 'ayer a las {time}',
    on: 'el {date} a las {time}',
    since: 'desde',
    until: 'hasta',
    uncertain: 'dudosa',
    source: 'fuente',
    timelineTitle: 'Cronología de las reglas de Messenger',
  },
  facts: {
    required: 'es obligatorio',
    expected_instant:
      'se esperaba un instante ISO 8601 con zona horaria (p. ej. 2026-11-25T12:00:00Z) o milisegundos epoch',
    expected_country: 'se esperaba un código de país de dos letras (ISO 3166-1), p. ej. ES',
    expected_tag: 'se esperaba un nombre de etiqueta en mayúsculas, p. ej. HUMAN_AGENT',
    expected_comment_or_post: 'necesita un commentId o un postId',
    expected_boolean: 'se esperaba true o false',
    expected_string: 'se esperaba un texto',
    expected_object: 'se esperaba un objeto',
    expected_array: 'se esperaba una lista',
    expected_number: 'se esperaba un número',
    expected_one_of: 'se esperaba uno de: {values}',
    invalid_json: 'no es JSON válido: {detail}',
    before_horizon: 'no hay reglas modeladas antes del {day}',
    unknown_rule: 'no existe ninguna regla con el id {id}',
    invalid_rules:
      'se esperaba un día (2026-04-27), un instante ISO o un id de conjunto de reglas (messenger-2026-04-27)',
  },
};
