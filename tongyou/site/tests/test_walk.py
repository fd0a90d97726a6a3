"""Every page each role's menu leads to answers, and in Chinese: a walk through the menu of every
role, as staff would click through it on their first day."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from tongyou.accounts.demo import DEMO_ACCOUNTS
from tongyou.core.registry import registry

pytestmark = pytest.mark.django_db

# Two or more English words in a row, outside scripts, styles and tags: an untranslated string.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ \-][A-Za-z]{2,}){1,}\b")
# What is English on purpose: the language switch, names of standards, formats and products.
ALLOWED = {
    "English",
    "Tongyou",
    "Open Data",
    "Web Push",
    "Excel",
}


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def english_leftovers(page: str) -> set[str]:
    found = set()
    for phrase in ENGLISH_PHRASE.findall(visible_text(page)):
        if not any(allowed in phrase or phrase in allowed for allowed in ALLOWED):
            found.add(phrase)
    return found


def menu_pages(user) -> list[str]:
    return [reverse(item.url_name) for _group, items in registry.menu_for(user) for item in items]


@pytest.fixture
def demo(db):
    """The demo district as `make run` loads it (smaller): its accounts, venue, children, round."""
    from tongyou.accounts.demo import create_demo_accounts
    from tongyou.alerts.demo import load_demo_venue_and_cameras
    from tongyou.datahub.services.synthetic import generate, generate_facts
    from tongyou.monitoring.demo import open_demo_round

    create_demo_accounts()
    load_demo_venue_and_cameras()
    generate(200, seed=7)
    generate_facts(seed=7)
    open_demo_round()


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_every_page_in_a_demo_roles_menu_answers_in_chinese(username, demo):
    from tongyou.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.user = User.objects.get(username=username)
    problems = {}
    for url in ["/", *menu_pages(client.user)]:
        if url.startswith("/admin/"):
            continue  # Django's admin: its own translations
        response = client.get(url)
        if response.status_code != 200:
            problems[url] = response.status_code
            continue
        leftovers = english_leftovers(response.content.decode())
        if leftovers:
            problems[url] = sorted(leftovers)
    assert problems == {}


def test_every_public_page_answers_in_chinese():
    client = Client()
    problems = {}
    for url in ["/", *menu_pages(client)]:
        response = client.get(url)
        leftovers = (
            english_leftovers(response.content.decode()) if response.status_code == 200 else {"status"}
        )
        if leftovers:
            problems[url] = sorted(leftovers)
    assert problems == {}


def test_the_check_finds_an_english_leftover():
    assert english_leftovers("<p>待办 - Select an option -</p><script>var Not shown = 1</script>") == {
        "Select an option"
    }
