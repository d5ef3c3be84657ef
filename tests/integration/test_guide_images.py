"""The user guide (docs/guide/) and its screenshots stay in step with each other and the product.

docs/guide/shots.json is the one list of screenshots: `make screenshots` (scripts/screenshots.py)
takes exactly those. Here: every image a guide page links to exists and is a real screenshot of
the size of its device, every shot of the list is linked by a page, no stray image is left, each
role has its page and the README links the guide; and, against the database, every shot's
login is a demo user and every action it opens exists and is one the user's menus can open.
"""

import json
import re
import struct
from pathlib import Path

from odoo.tests import TransactionCase, tagged

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
MANIFEST = GUIDE / "shots.json"
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
DEVICES = {"desktop": (1440, 900), "phone": (390, 844)}
# One page per role of issue 18 (item 4), plus the index.
PAGES = [
    "README.md",
    "duty-officer.md",
    "cs-staff.md",
    "technician.md",
    "eng-supervisor.md",
    "cs-supervisor.md",
    "office-manager.md",
    "archive-keeper.md",
    "accountant.md",
    "resident.md",
    "administrator.md",
]


def _shots():
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["shots"]


def _links():
    """{page name: [image paths as written]} for every Markdown page of the guide."""
    return {
        page.name: IMAGE_LINK.findall(page.read_text(encoding="utf-8"))
        for page in sorted(GUIDE.glob("*.md"))
    }


def _png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_every_role_has_its_page_and_the_index_links_them():
    missing = [name for name in PAGES if not (GUIDE / name).is_file()]
    assert not missing, f"guide pages missing: {missing}"
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    unlinked = [name for name in PAGES[1:] if f"({name})" not in index]
    assert not unlinked, f"docs/guide/README.md does not link: {unlinked}"


def test_readme_links_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "用户指南" in readme and "docs/guide/README.md" in readme


def test_every_linked_image_exists():
    broken = [
        f"{page}: {link}"
        for page, links in _links().items()
        for link in links
        if not link.startswith(("http://", "https://")) and not (GUIDE / link).is_file()
    ]
    assert not broken, "guide pages link images that do not exist: " + ", ".join(broken)


def test_every_shot_is_linked_and_every_image_is_a_shot():
    shots = _shots()
    names = [shot["name"] for shot in shots]
    assert len(names) == len(set(names)), "a shot name is used twice in shots.json"
    linked = {link for links in _links().values() for link in links}
    unlinked = [name for name in names if f"images/{name}.png" not in linked]
    assert not unlinked, f"shots no guide page shows: {unlinked}"
    stray = sorted(p.name for p in (GUIDE / "images").glob("*.png") if p.stem not in set(names))
    assert not stray, f"images not in shots.json (make screenshots would never renew them): {stray}"
    not_shots = sorted(
        link for link in linked if link.startswith("images/") and Path(link).stem not in set(names)
    )
    assert not not_shots, f"linked images not in shots.json: {not_shots}"


def test_every_image_has_its_device_size_and_stays_small():
    total = 0
    for shot in _shots():
        assert shot.get("device", "desktop") in DEVICES, shot["name"]
        assert bool(shot.get("action")) != bool(
            shot.get("path")
        ), f"{shot['name']}: give either an action or a path"
        path = GUIDE / "images" / f"{shot['name']}.png"
        assert path.is_file(), f"{path.name} missing: run `make screenshots`"
        assert _png_size(path) == DEVICES[shot.get("device", "desktop")], path.name
        total += path.stat().st_size
    assert total < 6_000_000, f"the guide's images weigh {total} bytes: keep them under 6 MB"


@tagged("post_install", "-at_install")
class TestGuideShotsOpen(TransactionCase):
    def test_every_shot_login_and_action_exists_for_its_user(self):
        """A shot opens a real action as a demo user whose menus lead to it."""
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        Users = self.env["res.users"].with_context(active_test=False)
        for shot in manifest["shots"]:
            with self.subTest(shot=shot["name"]):
                user = Users.search([("login", "=", shot["login"])])
                self.assertTrue(user, f"{shot['name']}: no user {shot['login']!r}")
                if shot.get("path"):
                    continue
                action = self.env.ref(shot["action"], raise_if_not_found=False)
                self.assertTrue(action, f"{shot['name']}: no action {shot['action']}")
                self.assertEqual(action._name, "ir.actions.act_window", shot["name"])
                if action.groups_id:
                    self.assertTrue(
                        action.groups_id & user.groups_id,
                        f"{shot['name']}: action not for {user.login}",
                    )
                self.env[action.res_model].with_user(user).check_access("read")
                menus = (
                    self.env["ir.ui.menu"]
                    .with_user(user)
                    .search([("action", "=", f"{action._name},{action.id}")])
                )
                self.assertTrue(
                    menus._filter_visible_menus(),
                    f"{shot['name']}: no menu of {user.login} opens {shot['action']}",
                )
                record = shot.get("record")
                if record:
                    self.assertEqual(record["model"], action.res_model, shot["name"])
