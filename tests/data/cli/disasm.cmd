disasm inputs/text_named.sb3
