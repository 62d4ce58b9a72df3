#!/usr/bin/env bash
# Rebuilds render/fonts/StarlingSans.ttf from two open fonts in Debian's archive:
#   - Noto Sans Regular (SIL OFL 1.1), package fonts-noto-core 20201225-1: Latin, Greek,
#     punctuation and symbols;
#   - Droid Sans Fallback Full (Apache 2.0), package fonts-droid-fallback 1:6.0.1r16-1.1:
#     the 6763 Chinese characters of GB2312 (levels 1 and 2, which hold the 3500 common
#     characters), GB2312's symbol rows, CJK punctuation and full-width forms.
# Both are subset (no hinting: tiny-skia does not use it), Droid is scaled to Noto's 1000 units
# per em, the two are merged and the result is named "Starling Sans".
#
# The font is committed, so nobody needs to run this in CI. Needs: apt-get (Debian), dpkg,
# python3 and pip. Run from anywhere: bash render/fonts/make_font.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod a+rwx "$work"  # apt-get download runs as the _apt user

python3 -m pip install --quiet 'fonttools==4.68.0'

cd "$work"
apt-get download 'fonts-noto-core=20201225-1' 'fonts-droid-fallback=1:6.0.1r16-1.1'
for deb in ./*.deb; do dpkg -x "$deb" x; done
noto="x/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
droid="x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

python3 - "$noto" "$droid" "$here/StarlingSans.ttf" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from fontTools import subset
from fontTools.merge import Merger

noto_path, droid_path, out_path = sys.argv[1:4]

def gb2312(rows):
    chars = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars

def ranges(*pairs):
    return {c for lo, hi in pairs for c in range(lo, hi + 1)}

latin = ranges(
    (0x0020, 0x007E), (0x00A0, 0x024F),   # ASCII, Latin-1, Latin Extended-A and B
    (0x0250, 0x02FF), (0x0300, 0x036F),   # IPA, spacing modifiers, combining marks
    (0x0370, 0x03FF), (0x0400, 0x04FF),   # Greek, Cyrillic
    (0x1E00, 0x1EFF),                     # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F), (0x20A0, 0x20CF),   # general punctuation, currency
    (0x2100, 0x214F), (0x2150, 0x218F),   # letterlike symbols, number forms
    (0x2190, 0x21FF), (0x2200, 0x22FF),   # arrows, mathematical operators
    (0x2460, 0x24FF), (0x2500, 0x257F),   # enclosed alphanumerics, box drawing
    (0x25A0, 0x25FF), (0x2600, 0x26FF),   # geometric shapes, miscellaneous symbols
    (0xFFFD, 0xFFFD),
)
cjk = (gb2312(range(0xB0, 0xF8))          # hanzi, levels 1 and 2
       | gb2312(range(0xA1, 0xAA))        # GB2312 symbols, kana, Greek, Cyrillic, boxes
       | ranges((0x3000, 0x303F),         # CJK punctuation
                (0xFF00, 0xFFEF)))        # full-width forms

def do_subset(font, unicodes):
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["DSIG", "LTSH", "VDMX", "hdmx", "gasp", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

noto = TTFont(noto_path)
noto_has = set(noto.getBestCmap())
do_subset(noto, latin | cjk)
noto_has &= set(noto.getBestCmap())

droid = TTFont(droid_path)
do_subset(droid, (latin | cjk) - noto_has)
scale_upem(droid, noto["head"].unitsPerEm)

noto.save("noto.ttf")
droid.save("droid.ttf")
merged = Merger().merge(["noto.ttf", "droid.ttf"])

# The merged font gets its own name (a modified font must not pretend to be Noto Sans).
name = merged["name"]
notice = ("Starling Sans: Noto Sans (Copyright 2015 Google LLC, SIL Open Font License 1.1) "
          "merged with Droid Sans Fallback (Copyright 2006-2010 Google Corp., Apache License "
          "2.0), subset for Starling.")
for record in list(name.names):
    if record.nameID in (1, 4, 16, 21):
        record.string = "Starling Sans"
    elif record.nameID == 3:
        record.string = "Starling Sans Regular"
    elif record.nameID == 6:
        record.string = "StarlingSans-Regular"
    elif record.nameID == 0:
        record.string = notice
    elif record.nameID in (2, 17, 22):
        record.string = "Regular"
    elif record.nameID in (8, 9, 11, 12):
        name.removeNames(nameID=record.nameID)
merged["head"].created = merged["head"].modified = 0xDA319180  # a fixed date, 2020-01-01,
merged.recalcTimestamp = False                                 # so every run gives the same bytes
merged.save(out_path, reorderTables=True)

check = TTFont(out_path)
cmap = check.getBestCmap()
hanzi = gb2312(range(0xB0, 0xF8))
missing = [c for c in hanzi if c not in cmap]
print(f"{out_path}: {len(cmap)} characters, {check['maxp'].numGlyphs} glyphs; "
      f"GB2312 hanzi missing: {len(missing)}")
PY
ls -l "$here/StarlingSans.ttf"
