"""``embed``, ``nli``, ``classify``, ``stance`` and ``tokens``: one request, one result."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

from cyclopts import Parameter

from ratatoskr.cli.context import Ctx
from ratatoskr.cli.options import JsonFlag, ModelOption, TextArgument
from ratatoskr.errors import InvalidInput

if TYPE_CHECKING:
    from ratatoskr.types import ClassifyResult, Embedding, NliResult, StanceResult

__all__ = ["classify", "embed", "nli", "stance", "tokens"]

R = TypeVar("R")


def _show(result: R, as_json: bool, human: Callable[[R], None]) -> int:
    """--json: the result as one JSON document; else which model answered, then ``human(result)``."""
    from ratatoskr.cli._output import print_json, print_source

    if as_json:
        print_json(result)
    else:
        print_source(result)
        human(result)
    return 0


def _print_scores(result: object, names: tuple[str, ...]) -> None:
    """One ``name: score`` line per name, the scores lined up in one column."""
    from ratatoskr.cli._output import fmt_float

    width = max(len(name) for name in names) + 2
    for name in names:
        print(f"{name + ':':{width}}{fmt_float(getattr(result, name))}")


def embed(
    text: TextArgument = None,
    /,
    *,
    model: ModelOption = None,
    lines: Annotated[bool, Parameter(negative="")] = False,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Embed a text.

    Parameters
    ----------
    lines
        Embed each non-blank line as its own text, in one batch; prints one line per text (--json: a list).
    """
    body = ctx.text("embed", text)
    chosen = model or ctx.default_model("embed")
    if lines:
        return _embed_lines([line for line in body.splitlines() if line.strip()], chosen, as_json, ctx)

    return _show(ctx.call(lambda gateway: gateway.embed(body, chosen)), as_json, _print_embedding)


def _values(result: Embedding) -> str:
    shown = ", ".join(f"{v:.4f}" for v in result.values[:8])
    more = f", ... ({result.dimensions} total)" if result.dimensions > 8 else ""
    return f"[{shown}{more}]"


def _embed_lines(texts: list[str], model: str, as_json: bool, ctx: Ctx) -> int:
    """``embed --lines``: one ``embed_batch`` call (Ctrl-C stops it between the provider's runs, exit 130)."""
    from ratatoskr.cli._output import print_json, print_source

    results = ctx.call(lambda gateway: gateway.embed_batch(texts, model))
    if as_json:
        print_json(results)
        return 0
    print_source(results[0])
    print(f"dimensions: {results[0].dimensions}")
    for number, result in enumerate(results, 1):
        print(f"{number}: {_values(result)}" + (" (input truncated)" if result.truncated else ""))
    return 0


def nli(
    *texts: Annotated[str, Parameter(name="PREMISE HYPOTHESIS")],
    model: ModelOption = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Natural language inference: does PREMISE entail HYPOTHESIS?

    Give both, or only HYPOTHESIS with the premise piped on stdin.

    Parameters
    ----------
    texts
        PREMISE and HYPOTHESIS, or HYPOTHESIS alone with the premise on stdin.
    """
    if len(texts) == 2:
        premise, hypothesis = ctx.text("nli", texts[0]), texts[1]
    elif len(texts) == 1:
        piped = ctx.piped_text()
        if piped is None or not piped.strip():
            raise InvalidInput(
                "nli: the PREMISE is missing: one argument was given (taken as the HYPOTHESIS) and no premise was "
                "piped on stdin; run `ratatoskr nli PREMISE HYPOTHESIS`, or pipe the premise"
            )
        premise, hypothesis = piped, texts[0]
    elif not texts:
        raise InvalidInput("nli: the PREMISE and the HYPOTHESIS are missing; run `ratatoskr nli PREMISE HYPOTHESIS`")
    else:
        raise InvalidInput(
            f"nli takes PREMISE and HYPOTHESIS (or HYPOTHESIS with the premise on stdin), got {len(texts)} arguments"
        )

    chosen = model or ctx.default_model("nli")
    return _show(ctx.call(lambda gateway: gateway.infer_nli(premise, hypothesis, chosen)), as_json, _print_nli)


def classify(
    text: TextArgument = None,
    /,
    *,
    label: Annotated[list[str] | None, Parameter(name=["--label", "-l"], negative="")] = None,
    multi_label: Annotated[bool, Parameter(negative="")] = False,
    template: Annotated[str | None, Parameter(name="--template")] = None,
    model: ModelOption = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Zero-shot classification of a text against candidate labels.

    Parameters
    ----------
    label
        A candidate label (repeat: --label sports --label politics).
    multi_label
        Score each label on its own (several may apply) instead of one distribution over all.
    template
        Hypothesis template with {} where the label goes, e.g. "This text is about {}.".
    """
    body = ctx.text("classify", text)
    labels = list(label or [])
    if not labels:
        raise InvalidInput("classify needs at least one --label")
    chosen = model or ctx.default_model("classify")
    result = ctx.call(
        lambda gateway: gateway.classify_zero_shot(
            body, labels, chosen, multi_label=multi_label, hypothesis_template=template
        )
    )
    return _show(result, as_json, _print_classification)


def stance(
    text: TextArgument = None,
    /,
    *,
    target: Annotated[str, Parameter(name=["--target", "-t"])],
    model: ModelOption = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Stance of a text toward a target: favor, against or neutral.

    Parameters
    ----------
    target
        What the stance is about, e.g. "nuclear power".
    """
    body = ctx.text("stance", text)

    chosen = model or ctx.default_model("stance")
    return _show(ctx.call(lambda gateway: gateway.classify_stance(body, target, chosen)), as_json, _print_stance)


def tokens(
    text: TextArgument = None,
    /,
    *,
    show: Annotated[bool, Parameter(negative="")] = False,
    model: ModelOption = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Count the tokens of a text, or --show them with their byte offsets.

    Parameters
    ----------
    show
        List every token: id, text and UTF-8 byte offsets (start, end).
    """
    from ratatoskr.cli._output import print_json, print_table

    body = ctx.text("tokens", text)

    chosen = model or ctx.default_model("tokenize")
    if not show:
        n = ctx.call(lambda gateway: gateway.count_tokens(body, chosen))
        if as_json:
            print_json({"count": n})
        else:
            print(f"{n} tokens")
        return 0

    found = ctx.call(lambda gateway: gateway.tokenize(body, chosen))
    if as_json:
        print_json({"count": len(found), "tokens": found})
        return 0
    print_table(
        ("#", "id", "start", "end", "text"), ((i, t.id, t.start, t.end, repr(t.text)) for i, t in enumerate(found))
    )
    print(f"{len(found)} tokens")
    return 0


# ---- how each result prints without --json ------------------------------------------------------------------


def _print_embedding(result: Embedding) -> None:
    print(f"dimensions: {result.dimensions}" + (" (input truncated)" if result.truncated else ""))
    print(f"values: {_values(result)}")


def _print_nli(result: NliResult) -> None:
    print(f"label: {result.label.value}")
    _print_scores(result, ("entailment", "contradiction", "neutral"))


def _print_classification(result: ClassifyResult) -> None:
    from ratatoskr.cli._output import fmt_float, print_table

    ranked = sorted(result.scores.items(), key=lambda kv: kv[1], reverse=True)
    print(f"top label: {result.top_label} ({fmt_float(result.confidence)})")
    print_table(("label", "score"), ((name, fmt_float(score)) for name, score in ranked))


def _print_stance(result: StanceResult) -> None:
    print(f"label: {result.label.value} (target: {result.target})")
    _print_scores(result, ("favor", "against", "neutral"))
