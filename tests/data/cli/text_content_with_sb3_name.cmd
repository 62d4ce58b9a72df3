run inputs/text_named.sb3
