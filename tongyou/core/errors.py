"""The one error a service raises when it refuses what someone asked.

Every service refuses the same way: `raise Refusal(_("why, and what to do instead"))`, or with
several problems at once, `Refusal([problem, problem])`. The message is in the user's language
(the services use gettext), so views show it as it is — through `core.views.attempt` — and the
API answers with it. `StaleState` (core/workflow.py) is the refusal of a second actor, which the
API answers with 409."""

from collections.abc import Iterable

from django.utils.functional import Promise

END_MARKS = "。；;.，,"


def join_messages(parts: Iterable[str | Promise]) -> str:
    """Several messages as one sentence list: "第3行：……；第5行：……。" — never "。；" or "。。"."""
    texts = [str(part).strip().rstrip(END_MARKS) for part in parts]
    texts = [text for text in texts if text]
    return "；".join(texts) + "。" if texts else ""


class Refusal(ValueError):
    """An action refused for a reason the person can act on; `errors` lists every problem."""

    def __init__(self, errors: str | Promise | Iterable[str | Promise] = "") -> None:
        if isinstance(errors, (str, Promise)):
            self.errors = [errors] if str(errors) else []
        else:
            self.errors = list(errors)
        super().__init__(
            join_messages(self.errors) if len(self.errors) > 1 else "".join(map(str, self.errors))
        )

    @property
    def message(self) -> str:
        return str(self)
