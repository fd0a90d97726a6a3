"""The one error a service raises when it refuses what someone asked.

Every service refuses the same way: `raise Refusal(_("why, and what to do instead"))`, or with
several problems at once, `Refusal([problem, problem])`. The message is in the user's language
(the services use gettext), so views show it as it is — through `core.views.attempt` — and the
API answers with it. `StaleState` (core/workflow.py) is the refusal of a second actor, which the
API answers with 409."""

from collections.abc import Iterable

from django.utils.functional import Promise


class Refusal(ValueError):
    """An action refused for a reason the person can act on; `errors` lists every problem."""

    def __init__(self, errors: str | Promise | Iterable[str | Promise] = "") -> None:
        if isinstance(errors, (str, Promise)):
            self.errors = [errors] if str(errors) else []
        else:
            self.errors = list(errors)
        super().__init__("；".join(str(error) for error in self.errors))

    @property
    def message(self) -> str:
        return str(self)
