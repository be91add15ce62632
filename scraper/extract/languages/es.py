"""Spanish."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="es",
    author_paths=(
        "autor",
        "autores",
        "autora",
        "periodista",
        "periodistas",
    ),
    months=(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    ),
    update_labels=("actualizado", "actualización", "modificado", "último mensaje"),
    member_labels=("miembro desde", "se unió"),
    byline_leads=("por", "publicado por", "escrito por", "texto"),
    author_labels=("autor", "autores", "sobre el autor"),
    photo_credits=("foto", "fotos", "fotografía", "imagen"),
    and_words=("y",),
    site_credits=("desarrollado por", "diseñado por", "diseño web por"),
    byline_ends=("publicado", "comentario", "comentarios"),
    date_leads=("el", "de", "a las"),
    roles=("periodista", "redactor", "corresponsal"),
    desks=("administrador", "invitado", "anónimo", "redacción", "efe", "europa press"),
    organisation_words=("noticias", "diario", "periódico", "redacción", "revista", "prensa"),
    name_particles=("de", "del", "la"),
    credits=(
        r"(?:este (?:artículo|texto) (?:fue |ha sido )?|artículo )?publicado originalmente "
        r"(?:en|por)\s+(?P<name>.+)",
        r"este (?:artículo|texto) (?:fue|ha sido) publicado (?:originalmente |inicialmente |"
        r"primero )(?:en|por)\s+(?P<name>.+)",
        r"la fuente original de este (?:artículo|texto) es\s+(?P<name>.+)",
        r"fuente original\s*:\s*(?P<name>.+)",
    ),
    credit_triggers=("ublicado",),
    counters=(
        r"\bhace\s+\d+\s*(?:segundos?|minutos?|horas?|d[ií]as?|semanas?)\b",
        r"\b\d[\d\s.,]*\s*(?:visitas|comentarios)\b",
    ),
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    credit_name_ends=("el", "bajo", "y"),
    link_hints=("aquí",),
)
