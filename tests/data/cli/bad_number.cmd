run inputs/text_named.sb3 --seconds soon
