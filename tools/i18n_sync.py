#!/usr/bin/env python3
"""Regenerate an addon's .pot from the code and bring its zh_CN.po in line with it.

    python3 tools/i18n_sync.py -d DATABASE hanling_property [hanling_archive ...]
        [--harvest other.po more.tsv ...]

The database must have the addons installed with the current code (``-u`` them first). The .pot
is exported by Odoo itself; every entry of zh_CN.po keeps its translation (matched by msgid),
translations found in --harvest files (.po, or .tsv of
`msgid<TAB>msgstr` lines, newlines written as \\n) fill the gaps, obsolete entries are dropped, and the
untranslated msgids are listed so they can be filled in by hand.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export_pot(database, addon):
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, f"{addon}.pot")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                "-c",
                os.path.join(ROOT, "odoo.conf"),
                "-d",
                database,
                f"--i18n-export={target}",
                f"--modules={addon}",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
            cwd=ROOT,
        )
        return polib.pofile(target)


def known_translations(paths):
    """msgid -> msgstr from .po files, or from .tsv files of `msgid<TAB>msgstr` lines."""
    known = {}
    for path in paths:
        if path.endswith(".tsv") and os.path.exists(path):
            with open(path, encoding="utf-8") as tsv:
                for line in tsv:
                    if "\t" in line:
                        msgid, msgstr = line.rstrip("\n").split("\t", 1)
                        msgid, msgstr = (t.replace("\\n", "\n") for t in (msgid, msgstr))
                        if msgstr:
                            known.setdefault(msgid, msgstr)
        elif os.path.exists(path):
            for entry in polib.pofile(path):
                if entry.msgstr and not entry.obsolete:
                    known.setdefault(entry.msgid, entry.msgstr)
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("addons", nargs="+")
    parser.add_argument("--harvest", nargs="*", default=[])
    args = parser.parse_args()
    missing_total = 0
    for addon in args.addons:
        i18n = os.path.join(ROOT, "addons", addon, "i18n")
        os.makedirs(i18n, exist_ok=True)
        pot = export_pot(args.database, addon)
        pot.save(os.path.join(i18n, f"{addon}.pot"))
        po_path = os.path.join(i18n, "zh_CN.po")
        known = known_translations([po_path, *args.harvest])
        po = polib.POFile(wrapwidth=78)
        po.metadata = dict(pot.metadata)
        po.metadata.update(
            {
                "Language": "zh_CN",
                "Content-Type": "text/plain; charset=UTF-8",
                "Plural-Forms": "nplurals=1; plural=0;",
            }
        )
        missing = []
        for entry in pot:
            entry.msgstr = known.get(entry.msgid, "")
            if not entry.msgstr:
                missing.append(entry.msgid)
            po.append(entry)
        po.save(po_path)
        missing_total += len(missing)
        print(f"{addon}: {len(pot)} terms, {len(missing)} untranslated")
        for msgid in missing:
            print("   ", msgid.replace("\n", "\\n")[:120])
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
