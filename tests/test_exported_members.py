"""The public names of ``nianbao``: adding one is a decision, dropping one breaks users."""

import nianbao


def test_all_exports() -> None:
    assert nianbao.__all__ == [
        "CorpusError",
        "DataError",
        "ErrorCode",
        "Finding",
        "InternalError",
        "LimitError",
        "Limits",
        "Location",
        "MissingExtraError",
        "NianbaoError",
        "Provenance",
        "ReadError",
        "Report",
        "Section",
        "Source",
        "Template",
        "UsageError",
        "__version__",
        "check",
        "check_many",
        "open_corpus",
        "parse",
        "parse_many",
        "render",
        "template",
        "templates",
    ]


def test_every_export_resolves() -> None:
    for name in nianbao.__all__:
        assert getattr(nianbao, name) is not None, name
