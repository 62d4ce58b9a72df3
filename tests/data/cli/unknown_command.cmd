fly inputs/text_named.sb3
