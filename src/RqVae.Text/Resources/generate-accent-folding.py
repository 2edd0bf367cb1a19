#!/usr/bin/python3
"""Writes accent-folding.txt: for every code point that is not a non-spacing mark (Mn) and whose
canonical decomposition (NFD) without its Mn characters differs from itself, the code point and that
stripped decomposition, both as hex. This is exactly the per-character effect of the original BERT
BasicTokenizer._run_strip_accents. Hangul syllables are left out: AccentFolding decomposes them
arithmetically. Run with the Python whose Unicode version you want; the header records it."""
import unicodedata, pathlib

lines = [f"# NFD minus Mn, generated from Unicode {unicodedata.unidata_version} by generate-accent-folding.py"]
for cp in range(0x110000):
    if 0xD800 <= cp < 0xE000 or 0xAC00 <= cp <= 0xD7A3:
        continue
    ch = chr(cp)
    if unicodedata.category(ch) == "Mn":
        continue
    folded = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
    if folded != ch:
        lines.append(f"{cp:X}\t{' '.join(f'{ord(c):X}' for c in folded)}")
pathlib.Path(__file__).with_name("accent-folding.txt").write_text("\n".join(lines) + "\n", encoding="ascii")
