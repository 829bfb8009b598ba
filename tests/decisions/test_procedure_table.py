from pathlib import Path

from decisions.management.commands.procedure_diagram import render_procedure_markdown
from decisions.procedure import TRANSITIONS, State


def test_docs_procedure_diagram_is_generated_from_the_table():
    path = Path(__file__).resolve().parents[2] / "docs" / "procedure.md"
    assert path.read_text(encoding="utf-8") == render_procedure_markdown(), "run `make diagram`"


def test_every_state_is_reachable_from_proposed():
    reached, frontier = {State.PROPOSED}, [State.PROPOSED]
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS.values():
            if state in transition.sources:
                for target in transition.targets:
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
    assert reached == set(State)
