"""Portuguese."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="pt",
    author_paths=(
        "autor",
        "autores",
        "autora",
        "colunista",
        "jornalista",
    ),
    months=(
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    ),
    update_labels=("atualizado", "actualizado", "atualização", "modificado"),
    byline_leads=("por", "publicado por", "escrito por", "texto"),
    author_labels=("autor", "autores"),
    photo_credits=("foto", "fotos", "imagem"),
    and_words=("e",),
    byline_ends=("publicado", "atualizado"),
    date_leads=("às", "ás", "de"),
    roles=("jornalista",),
    desks=("redação", "lusa"),
    credits=(
        r"(?:este artigo foi )?publicado originalmente (?:em|no|na|por|pelo|pela)\s+(?P<name>.+)",
    ),
    credit_triggers=("ublicado",),
    weekdays=(
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ),
    credit_name_ends=("em",),
    link_hints=("aqui",),
)
